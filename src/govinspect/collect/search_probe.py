"""The I/O half of the site search check (W-D25). After the crawl, per site: read the homepage
capture back from the WARC and find its search form; draw up to ``search_sample`` published
titles from the captured detail pages (a shuffle seeded by ``sample_seed`` — the round's name —
and the site code, so a re-run draws the same); submit each title as a browser would (GET or
POST, in the page's encoding); record what the first results page shows.

Requests go through the crawl's closed-world resolve map and private-address policy, one site's
queries one after the other with ``download_delay`` between them, at most
``per_host_concurrency`` at once per host (several sites may share a search host), the crawl's
User-Agent, timeout, redirect limit and retries (connection errors, 429, 503). Each query has
a total time limit (``deadline.Deadline``: redirects, retries and a slow-drip answer included)
and its results page is read and decompressed up to ``MAX_RESULTS_BYTES`` (the query says
``truncated``). robots.txt is not
asked: the indicator requires using the search as a visitor would. Judging is in ``search``
(pure) and in ``rules.site_search``."""

from __future__ import annotations

import http.client
import json
import os
import ssl
import threading
import time
from collections import defaultdict
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

from govinspect.collect.classify import may_connect
from govinspect.collect.deadline import Deadline, DeadlineExceeded
from govinspect.collect.decompress import decode_capped
from govinspect.collect.html import declared_charset, decode_body
from govinspect.collect.options import CollectOptions
from govinspect.collect.search import (
    DETAIL_TYPES,
    candidate_pages,
    draw_order,
    find_search_form,
    read_results,
    search_request,
    usable_title,
)
from govinspect.collect.store import capture_record, read_capture_body
from govinspect.collect.transport_probe import _Conn, _TlsConn, resolve_host
from govinspect.core.types import SiteRef
from govinspect.extract import extract_page

SEARCH = "search.jsonl"
MAX_RESULTS_BYTES = 2 * 1024 * 1024
MAX_TRIES = 40  # detail pages read at most per site to find enough usable titles
_REDIRECTS = (301, 302, 303, 307, 308)
_RETRY_STATUS = (429, 503)


@dataclass(frozen=True)
class Answer:
    status: int | None
    url: str  # final URL, after redirects
    content_type: str = ""
    body: bytes = b""
    error: str | None = None
    truncated: bool = False  # the results page passed MAX_RESULTS_BYTES (on the wire or decoded)


class Client:
    """A small polite HTTP client for the search queries (http.client, no keep-alive)."""

    def __init__(self, options: CollectOptions):
        self.options = options
        self._lock = threading.Lock()
        self._hosts: dict[str, threading.Semaphore] = {}
        self._tls = ssl.create_default_context()
        # A results page is read as a visitor clicking through a certificate warning would;
        # certificates are judged by the transport probe (G13).
        self._tls.check_hostname = False
        self._tls.verify_mode = ssl.CERT_NONE

    def _slot(self, host: str) -> threading.Semaphore:
        with self._lock:
            if host not in self._hosts:
                self._hosts[host] = threading.Semaphore(max(1, self.options.per_host_concurrency))
            return self._hosts[host]

    def _once(self, method: str, url: str, body: bytes | None, referer: str,
              deadline: Deadline) -> tuple[http.client.HTTPResponse, bytes] | str:
        """One exchange: (response, body) or why there was none."""
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        if parts.scheme not in ("http", "https") or not host:
            return f"unsupported URL: {url[:100]}"
        v4, v6, _known = resolve_host(host, self.options)
        ip = v4 or v6
        if ip is None:
            return "dns"
        if not may_connect(host, ip, self.options.allow_private, self.options.private_hosts):
            return "refused by policy"
        timeout = min(self.options.timeout_s, deadline.left())
        if parts.scheme == "https":
            conn: _Conn = _TlsConn(host, ip, parts.port or 443, timeout, self._tls, deadline)
        else:
            conn = _Conn(host, ip, parts.port or 80, timeout, deadline)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        # Header bytes as Scrapy sends them (UTF-8); http.client writes latin-1.
        headers = {"User-Agent": self.options.user_agent.encode().decode("latin-1"),
                   "Accept": "text/html,application/xhtml+xml,*/*;q=0.8",
                   "Referer": referer.encode().decode("latin-1")}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        with self._slot(host):
            try:
                conn.request(method, target, body=body, headers=headers)
                resp = conn.getresponse()
                data = resp.read(MAX_RESULTS_BYTES + 1)
                deadline.check()
                return resp, data
            finally:
                conn.close()

    def fetch(self, method: str, url: str, body: bytes | None, referer: str) -> Answer:
        """The query's answer after redirects and retries, all within a total time limit of
        (1 + retries) × the request timeout."""
        limit = self.options.timeout_s * (1 + max(0, self.options.retry_times))
        with Deadline(limit) as deadline:
            return self._fetch(method, url, body, referer, deadline)

    def _fetch(self, method: str, url: str, body: bytes | None, referer: str,
               deadline: Deadline) -> Answer:
        hops = 0
        attempt = 0
        while True:
            try:
                got = self._once(method, url, body, referer, deadline)
            except (OSError, http.client.HTTPException) as e:
                if deadline.expired or isinstance(e, DeadlineExceeded):
                    return Answer(None, url, error=f"deadline: total time limit of "
                                                   f"{deadline.seconds:g} s reached")
                got = f"{type(e).__name__}: {e}"[:200]
            if isinstance(got, str):
                retry = got not in ("dns", "refused by policy") and not got.startswith("unsupported")
            else:
                retry = got[0].status in _RETRY_STATUS
            if retry and attempt < self.options.retry_times:
                pause = self.options.retry_backoff_s * (2 ** attempt)
                try:
                    if pause >= deadline.left():
                        raise DeadlineExceeded("no time left for a retry")
                except DeadlineExceeded:
                    return Answer(None, url, error=f"deadline: total time limit of "
                                                   f"{deadline.seconds:g} s reached")
                time.sleep(pause)
                attempt += 1
                continue
            if isinstance(got, str):
                return Answer(None, url, error=got)
            resp, data = got
            location = resp.getheader("Location")
            if resp.status in _REDIRECTS and location:
                hops += 1
                if hops > self.options.max_redirects:
                    return Answer(resp.status, url, error="redirect limit")
                url = urljoin(url, location.strip())
                if resp.status == 303 or (resp.status in (301, 302) and method == "POST"):
                    method, body = "GET", None
                attempt = 0
                continue
            truncated = len(data) > MAX_RESULTS_BYTES
            data = data[:MAX_RESULTS_BYTES]
            encoding = (resp.getheader("Content-Encoding") or "").strip().lower()
            if encoding:
                try:
                    # Decoded up to the same cap: a gzip bomb costs no more than the cap.
                    data, cut = decode_capped(data, encoding, MAX_RESULTS_BYTES)
                    truncated = truncated or cut
                except ValueError:
                    pass  # not what it says it is: read as sent
            return Answer(resp.status, url, resp.getheader("Content-Type") or "", data,
                          truncated=truncated)


def _decode(content_type: str, body: bytes) -> tuple[str, str | None]:
    """(text, the page's encoding for form submission)."""
    declared = declared_charset(content_type, body)
    text, used = decode_body(body, declared)
    return text, (declared if used == "ascii" else used)


def _homepage_row(rows: list[Mapping], site: SiteRef) -> Mapping | None:
    for row in reversed(rows):
        if row["url"] == site.homepage and row.get("status") == 200:
            return row
    return None


def probe_site(site: SiteRef, rows: list[Mapping], out_dir: Path, options: CollectOptions,
               client: Client) -> dict[str, Any]:
    """The search.jsonl row of one site (``rows``: its capture lines)."""
    out: dict[str, Any] = {
        "homepage": site.homepage, "checked_at": datetime.now(UTC).isoformat(),
        "form_found": None, "form": None, "seed": f"{options.sample_seed}:{site.code}:W-D25",
        "candidates": 0, "queries": [], "note": ""}
    home = _homepage_row(rows, site)
    if home is None:
        out["note"] = "首页未采集成功，未检查站内搜索"
        return out
    _record, body = read_capture_body(out_dir, capture_record(home))
    text, charset = _decode(home.get("content_type") or "", body)
    home_url = home.get("final_url") or home["url"]
    form = find_search_form(text, home_url)
    out["form_found"] = form is not None
    if form is None:
        return out
    out["form"] = {"action": form.action, "method": form.method, "field": form.field,
                   "charset": form.charset or charset}
    candidates = candidate_pages(rows, site.hosts, site.homepage)
    out["candidates"] = len(candidates)
    by_url = {row["url"]: row for row in rows}
    sample: list[tuple[str, str]] = []
    seen: set[str] = set()
    for tried, url in enumerate(draw_order(candidates, out["seed"])):
        if len(sample) >= options.search_sample or tried >= MAX_TRIES:
            break
        row = by_url[url]
        _record, page = read_capture_body(out_dir, capture_record(row))
        facts = extract_page(page, row.get("final_url") or url, row.get("fetched_at"))
        title = usable_title(facts.title, site.name) if facts.page_type in DETAIL_TYPES else None
        if title is None or title in seen:
            continue
        seen.add(title)
        sample.append((title, url))
    if len(sample) < options.search_sample:
        out["note"] = f"可抽取的已发布信息标题只有{len(sample)}个（候选页面{len(candidates)}个）"
    for n, (title, page_url) in enumerate(sample):
        if n and options.download_delay:
            time.sleep(options.download_delay)
        method, url, data = search_request(form, title, charset)
        answer = client.fetch(method, url, data, home_url)
        query: dict[str, Any] = {
            "title": title, "page_url": page_url, "url": url, "method": method,
            "status": answer.status, "error": answer.error, "final_url": answer.url,
            "found": False, "categorised": False, "categories": [], "links": 0}
        if answer.truncated:
            query["truncated"] = True
        if answer.error is None and answer.status is not None and 200 <= answer.status < 300:
            ctype = answer.content_type.lower()
            if not ctype or "html" in ctype or "xml" in ctype:
                page_text, _ = _decode(answer.content_type, answer.body)
                result = read_results(page_text, answer.url, title, page_url)
                query.update(found=result.found, categorised=result.categorised,
                             categories=list(result.categories), links=result.links)
        out["queries"].append(query)
    return out


def probe_sites(sites: list[SiteRef], out_dir: Path, options: CollectOptions,
                rows: Iterable[Mapping]) -> dict[str, dict[str, Any]]:
    """site code → search.jsonl row; ``rows`` are the run's capture lines."""
    by_site: dict[str, list[Mapping]] = defaultdict(list)
    for row in rows:
        by_site[row["site_code"]].append(row)
    client = Client(options)

    def one(site: SiteRef) -> dict[str, Any]:
        try:
            return probe_site(site, by_site.get(site.code, []), out_dir, options, client)
        except Exception as e:  # noqa: BLE001 — a probe fault must not lose the crawl
            return {"homepage": site.homepage, "checked_at": datetime.now(UTC).isoformat(),
                    "form_found": None, "form": None, "queries": [],
                    "note": f"站内搜索检查出错：{e!r}"[:300]}

    with ThreadPoolExecutor(max_workers=max(1, min(16, len(sites)))) as pool:
        found = list(pool.map(one, sites))
    return {s.code: row for s, row in zip(sites, found, strict=True)}


def write_search(out_dir: Path, sites: list[SiteRef], options: CollectOptions,
                 rows: Iterable[Mapping]) -> dict[str, dict[str, Any]]:
    """Probe every site and write ``search.jsonl`` (atomically: a crash leaves no half file,
    and running it again simply redoes it)."""
    out_dir = Path(out_dir)
    found = probe_sites(sites, out_dir, options, rows)
    part = out_dir / (SEARCH + ".part")
    with open(part, "w", encoding="utf-8") as fh:
        for code, row in found.items():
            fh.write(json.dumps({"site_code": code, **row}, ensure_ascii=False) + "\n")
    os.replace(part, out_dir / SEARCH)
    return found


def summary_of(row: Mapping) -> dict[str, Any]:
    """The short form kept in summary.json (``SiteSummary.search``)."""
    queries = row.get("queries") or []
    return {"form_found": row.get("form_found"), "searched": len(queries),
            "found": sum(1 for q in queries if q.get("found")),
            "categorised": any(q.get("categorised") for q in queries)}


def probe_faults(code: str, row: Mapping) -> list[dict[str, Any]]:
    """faults.jsonl lines of a search.jsonl row: queries cut off by their time limit or whose
    results page passed the size cap, and a probe that failed outright."""
    out = []
    for q in row.get("queries") or ():
        if (q.get("error") or "").startswith("deadline") or q.get("truncated"):
            out.append({"site_code": code, "kind": "search_probe", "url": q.get("url", ""),
                        "error": q.get("error"), "truncated": bool(q.get("truncated"))})
    if (row.get("note") or "").startswith("站内搜索检查出错"):
        out.append({"site_code": code, "kind": "search_probe", "url": row.get("homepage", ""),
                    "error": row["note"]})
    return out
