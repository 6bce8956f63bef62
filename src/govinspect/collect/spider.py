"""The crawl spider. Thin: it decides what to request next; decoding and link extraction live
in ``html``, judgements in ``classify``, archiving in ``middlewares``, output in ``pipelines``."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import scrapy
from scrapy import signals
from scrapy.exceptions import DontCloseSpider, IgnoreRequest

from govinspect.collect.classify import (
    classify_response,
    link_class,
    resource_kind,
    url_extension,
)
from govinspect.collect.errors import classify_exception, exception_detail
from govinspect.collect.html import ParsedPage, declared_charset, decode_body, parse_html
from govinspect.collect.ledger import Ledger, homepage_offsite, host_of, url_key
from govinspect.collect.middlewares import DECODED_CUT, OFFSITE, ROLE
from govinspect.collect.traps import pagination
from govinspect.core.types import LinkClass, LinkFailure, ResourceKind

FOLLOWED_FRAMES = ("frame", "iframe")
# In-site attachments whose body is archived (up to ``attachment_max_bytes``): the office
# document formats privacy rules scan. Others (images, media) get a status check only.
ARCHIVED_ATTACHMENTS = frozenset(".pdf .doc .docx .xls .xlsx .wps .et .zip .rar .ofd".split())
SAMPLE_CHARS = 5000  # > the soft-404 text thresholds in classify
# Scrapy's size limit fails a whole response; every role has its own cap that keeps what came
# (CheckBodyCap, CappedCompressionMiddleware), so Scrapy's is off for them (robots.txt keeps it).
_UNCAPPED = {"download_maxsize": 0, "download_warnsize": 0}


def _truncation(response: Any) -> str | None:
    """Why the body is not whole: ``size_cap`` (the role's byte cap on the wire),
    ``decoded_cap`` (decompression stopped at the cap) or ``dataloss`` (the server broke off)."""
    flags = response.flags
    if DECODED_CUT in flags:
        return "decoded_cap"
    if "download_stopped" in flags:
        return "size_cap"
    if "dataloss" in flags:
        return "dataloss"
    return None


def unfollowed_redirect(response: Any) -> dict | None:
    """A 3xx answer that was not followed because its Location is not an HTTP(S) URL (file:,
    ftp:, javascript: …) or cannot be parsed: what it pointed at."""
    if not 300 <= response.status < 400:
        return None
    raw = response.headers.get(b"Location")
    if not raw:
        return None
    location = raw.decode("latin-1").strip()
    try:
        target = urljoin(response.url, location)
        scheme = urlsplit(target).scheme.lower()
        urlsplit(target).hostname  # noqa: B018 - raises on a malformed host
    except ValueError:
        return {"kind": "invalid_redirect", "target": location[:300]}
    if scheme not in ("http", "https"):
        return {"kind": "non_http_redirect", "target": target[:300], "scheme": scheme}
    return None


def _is_html(response: Any) -> bool:
    ctype = (response.headers.get(b"Content-Type") or b"").lower()
    if ctype:
        return b"html" in ctype or b"xhtml" in ctype
    return response.body[:512].lstrip()[:1] == b"<"


def _chain_keys(request: Any, final_url: str | None = None) -> list[str]:
    keys = {request.meta["gi_key"], url_key(request.url)}
    keys.update(url_key(u) for u in request.meta.get("redirect_urls", ()))
    if final_url:
        keys.add(url_key(final_url))
    return list(keys)


def _fingerprint(page: ParsedPage, pattern: str) -> str:
    """What a paginated page shows apart from its own pagination links."""
    import hashlib

    own = sorted(link.url for link in page.links
                 if (p := pagination(link.url)) is None or p[0] != pattern)
    # Not the title: it often carries the page number.
    return hashlib.blake2b("\n".join(own).encode(), digest_size=12).hexdigest()


class GovSpider(scrapy.Spider):
    name = "govinspect"

    max_url_length = 2083  # URL_LENGTH_LIMIT

    def __init__(self, ledger: Ledger, **kwargs: Any):
        super().__init__(**kwargs)
        self.ledger = ledger
        self.archive_attachments = ledger.options.attachment_max_bytes > 0

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> GovSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.max_url_length = crawler.settings.getint("URL_LENGTH_LIMIT", 2083)
        crawler.signals.connect(spider.idle, signal=signals.spider_idle)
        return spider

    # --- requests ---------------------------------------------------------------------
    # Breadth first (caps keep the pages nearest the homepage): priority −depth, checks one
    # below the pages of their depth; a visitor's Referer (the linking page, not on an
    # https → http step). Set here instead of by Scrapy's Depth and Referer spider
    # middlewares: each wraps every callback's output in another async generator.
    def page_request(self, code: str, url: str, key: str, depth: int,
                     parent: str | None = None, referer: str | None = None) -> scrapy.Request:
        # dont_filter: the ledger dedupes per site; Scrapy's dupefilter would silently drop
        # a redirect to an already-seen URL and leave the link without a status.
        return scrapy.Request(url, callback=self.parse_page, errback=self.page_failed,
                              dont_filter=True, priority=-depth,
                              headers=_referer(referer, url),
                              meta={ROLE: "page", "gi_site": code, "gi_key": key,
                                    "gi_depth": depth, "gi_parent": parent, **_UNCAPPED})

    def check_request(self, url: str, key: str, method: str = "HEAD", depth: int = 0,
                      referer: str | None = None) -> scrapy.Request:
        # One check of a linked URL is what a visitor's click does: robots.txt is not asked.
        return scrapy.Request(url, method=method, callback=self.check_done,
                              errback=self.check_failed, dont_filter=True,
                              priority=-1 - depth, headers=_referer(referer, url),
                              meta={ROLE: "check", "gi_key": key,
                                    "dont_obey_robotstxt": True, **_UNCAPPED})

    def _from_warc(self, request: scrapy.Request, path: Any, offset: int, _url: str) -> Any:
        """The archived response of ``request`` (resume), as Scrapy would have delivered it."""
        from scrapy.http import Headers
        from scrapy.responsetypes import responsetypes

        from govinspect.collect.warc import load_response

        url, status, headers, body, digest, date, flags = load_response(
            path, offset, self.ledger.options.max_download_bytes)
        h = Headers()
        for k, v in headers:
            h.appendlist(k, v)
        cls = responsetypes.from_args(headers=h, url=url, body=body)
        request.meta["gi_warc"] = (path.name, offset, digest,
                                   datetime.fromisoformat(date).isoformat() if date else "")
        return cls(url=url, status=status, headers=h, body=body, request=request, flags=flags)

    def attachment_request(self, code: str, url: str, key: str, depth: int = 0,
                           referer: str | None = None) -> scrapy.Request:
        # Fetched like a visitor's click (robots.txt not asked), archived up to the cap.
        return scrapy.Request(url, callback=self.attachment_done, errback=self.check_failed,
                              dont_filter=True, priority=-1 - depth,
                              headers=_referer(referer, url),
                              meta={ROLE: "attachment", "gi_site": code, "gi_key": key,
                                    "dont_obey_robotstxt": True, **_UNCAPPED})

    async def start(self) -> AsyncIterator[scrapy.Request]:
        """The pages the journal scheduled and no capture line finished, nearest first: for a
        fresh run the homepages (written to the journal before the first request), after an
        interruption the frontier; then the link targets still without a status."""
        ledger = self.ledger
        todo = sorted(((d, code, key, url, parent)
                       for code, st in ledger.sites.items()
                       for key, (url, d, parent) in st.frontier.items()),
                      key=lambda t: t[0])
        for depth, code, key, url, parent in todo:
            req = self.page_request(code, url, key, depth, parent, referer=parent)
            if key in ledger.replay:
                for out in self.parse_page(self._from_warc(req, *ledger.replay[key])):
                    yield out
                continue
            yield req
        for key, (url, code, attachment) in ledger.pending_checks.items():
            if ledger.want_check(key):
                if attachment and self.archive_attachments \
                        and url_extension(url) in ARCHIVED_ATTACHMENTS:
                    # In flight at the interruption: fetched and archived again, not only
                    # checked.
                    yield self.attachment_request(code, url, key)
                else:
                    yield self.check_request(url, key)

    # --- crawled pages ----------------------------------------------------------------
    def parse_page(self, response: Any) -> Iterator[Any]:
        request = response.request
        meta = request.meta
        if meta.get(OFFSITE):
            self._offsite(response)
            return
        code, key, depth = meta["gi_site"], meta["gi_key"], meta["gi_depth"]
        st = self.ledger.sites[code]
        options = self.ledger.options
        redirects = meta.get("redirect_urls") or []
        original = redirects[0] if redirects else response.url
        html = _is_html(response)
        page = ParsedPage()
        declared = detected = None
        faults: list[dict] = []
        if html and response.body:
            declared = declared_charset(
                (response.headers.get(b"Content-Type") or b"").decode("latin-1"), response.body)
            text, detected = decode_body(response.body, declared)
            page = parse_html(text, response.url, SAMPLE_CHARS, options.max_links_per_page,
                              options.max_tags_per_page)
        failure = classify_response(response.status, original, response.url,
                                    title=page.title, text=page.text_sample if html else "")
        detail = unfollowed_redirect(response)
        if detail is not None:
            failure = LinkFailure.OTHER
            faults.append(detail)
        keys = _chain_keys(request, response.url)
        self.ledger.record(keys, response.status, failure, detail=detail)
        st.seen.update(keys)  # a redirect target is not crawled a second time
        if key == url_key(st.site.homepage):
            st.summary.homepage_status, st.summary.homepage_failure = \
                response.status, failure.value if failure else None
        truncated = _truncation(response)
        if truncated:
            faults.append({"kind": "body_cut", "reason": truncated,
                           "length": len(response.body)})
        if html and 200 <= response.status < 300 and (page.empty or not response.body):
            faults.append({"kind": "empty_html", "length": len(response.body)})
        if page.tags_cut:
            faults.append({"kind": "parse_cut", "max_tags": options.max_tags_per_page})
        if page.links_cut:
            faults.append({"kind": "links_cut", "cut": page.links_cut,
                           "kept": len(page.links) + len(page.other_links)})

        links: list[list[str]] = []
        others: list[list[str]] = []
        fingerprint = None
        if html and failure is None and host_of(response.url) in st.hosts:
            pag = pagination(response.url)
            if pag is not None:
                fingerprint = _fingerprint(page, pag[0])
                self.ledger.observe(code, response.url, fingerprint)
            yield from self._follow(code, depth, original, page, links, response.url)
            others = [[o.raw, o.text, o.cls, o.scheme] for o in page.other_links]
        warc_file, warc_offset, digest, fetched = meta.get("gi_warc", ("", -1, "", ""))
        capture = {
            "site_code": code, "url": original, "final_url": response.url,
            "status": response.status,
            "content_type": (response.headers.get(b"Content-Type") or b"").decode("latin-1"),
            "fetched_at": fetched, "depth": depth, "parent_url": meta.get("gi_parent"),
            "warc_file": warc_file, "warc_offset": warc_offset, "digest": digest,
            # extras
            "title": page.title, "text_length": page.text_length,
            "declared_charset": declared, "detected_charset": detected,
            "failure": failure.value if failure else None,
            "redirect_urls": redirects, "length": len(response.body),
            "truncated": truncated is not None,
        }
        if faults:
            capture["faults"] = faults
        if fingerprint is not None:
            capture["gi_fp"] = fingerprint
        yield {"site": code, "parent": original, "links": links, "others": others,
               "capture": capture}

    def _offsite(self, response: Any) -> None:
        """A page redirected out of the roster: its status (for the links to it) and a fault
        with the target; no capture — the other host's page is not this site's."""
        request = response.request
        meta = request.meta
        code, key = meta["gi_site"], meta["gi_key"]
        st = self.ledger.sites[code]
        redirects = meta.get("redirect_urls") or []
        original = redirects[0] if redirects else response.url
        title, text = self._check_text(response)
        failure = classify_response(response.status, original, response.url, title=title,
                                    text=text)
        target = meta[OFFSITE]
        reasons = meta.get("redirect_reasons") or []
        warc_file, warc_offset, _digest, _fetched = meta.get("gi_warc", ("", -1, "", ""))
        fault = {"kind": "offsite_redirect", "url": original, "target": target,
                 "final_url": response.url, "status": response.status,
                 "first_status": reasons[0] if reasons and isinstance(reasons[0], int) else None,
                 "warc_file": warc_file, "warc_offset": warc_offset,
                 "homepage": key == url_key(st.site.homepage)}
        detail = {"kind": "offsite_redirect", "target": target}
        self.ledger.record(_chain_keys(request, response.url), response.status, failure,
                           checked=True, detail=detail)
        self.ledger.page_failed(code, key, fault=fault)
        if fault["homepage"]:
            homepage_offsite(st, fault)

    def _follow(self, code: str, depth: int, parent: str, page: ParsedPage,
                links: list[list[str]], referer: str) -> Iterator[scrapy.Request]:
        st = self.ledger.sites[code]
        d = depth + 1
        for link in page.links:
            if len(link.url) > self.max_url_length:
                # Browsers and servers refuse such URLs; listed as a link, never requested
                # (it stays unchecked, with a note), as Scrapy's UrlLength middleware did.
                if link.tag not in FOLLOWED_FRAMES:
                    links.append([link.url, url_key(link.url), link.text,
                                  link_class(host_of(link.url), st.hosts, st.domains).value,
                                  resource_kind(link.url, link.tag).value])
                continue
            host = host_of(link.url)
            cls = link_class(host, st.hosts, st.domains)
            key = url_key(link.url)
            if link.tag in FOLLOWED_FRAMES:
                if cls is LinkClass.IN_SITE and \
                        self.ledger.want_page(code, key, d, link.url, parent, "frame"):
                    yield self.page_request(code, link.url, key, d, parent, referer)
                continue
            kind = resource_kind(link.url, link.tag)
            links.append([link.url, key, link.text, cls.value, kind.value])
            if cls is LinkClass.IN_SITE and kind is ResourceKind.PAGE:
                if self.ledger.want_page(code, key, d, link.url, parent, link.text):
                    yield self.page_request(code, link.url, key, d, parent, referer)
                elif key not in st.seen:
                    st.deferred.setdefault(key, link.url)
            elif self.ledger.want_check(key):
                if cls is LinkClass.IN_SITE and kind is ResourceKind.ATTACHMENT \
                        and self.archive_attachments \
                        and url_extension(link.url) in ARCHIVED_ATTACHMENTS:
                    yield self.attachment_request(code, link.url, key, d, referer)
                else:
                    yield self.check_request(link.url, key, depth=d, referer=referer)

    def page_failed(self, failure: Any) -> Iterator[Any]:
        request = failure.request
        code, key = request.meta["gi_site"], request.meta["gi_key"]
        st = self.ledger.sites[code]
        exc = failure.value
        if isinstance(exc, IgnoreRequest) and "robots.txt" in str(exc):
            self.ledger.page_failed(code, key, robots=True)
            if self.ledger.want_check(key):
                yield self.check_request(request.url, key)
            return
        cls = classify_exception(exc, host_of(request.url))
        detail = exception_detail(exc, host_of(request.url))
        self.ledger.record(_chain_keys(request), None, cls, detail=detail)
        redirects = request.meta.get("redirect_urls") or []
        fault = {"kind": "page_failed", "url": redirects[0] if redirects else request.url,
                 "failure": cls.value, "error": f"{type(exc).__name__}: {exc}"[:300]}
        if redirects:
            fault["final_url"] = request.url
        if detail is not None:
            fault["detail"] = detail
        if request.meta.get(OFFSITE):  # redirected out of the roster, and that failed
            fault.update(kind="offsite_redirect", target=request.meta[OFFSITE], status=None)
        self.ledger.page_failed(code, key, fault=fault)
        if fault["kind"] == "offsite_redirect" and key == url_key(st.site.homepage):
            homepage_offsite(st, fault)
            return
        if key == url_key(st.site.homepage):
            st.summary.homepage_status, st.summary.homepage_failure = None, cls.value

    # --- link checks ------------------------------------------------------------------
    @staticmethod
    def _check_text(response: Any) -> tuple[str, str | None]:
        """(title, visible text) of a capped check body; text None for HEAD (no body)."""
        if response.request.method != "GET":
            return "", None
        if _is_html(response) and response.body:
            declared = declared_charset(
                (response.headers.get(b"Content-Type") or b"").decode("latin-1"), response.body)
            decoded, _ = decode_body(response.body, declared)
            page = parse_html(decoded, response.url, SAMPLE_CHARS, max_links=1)
            return page.title, page.text_sample
        return "", ""

    def check_done(self, response: Any) -> Iterator[Any]:
        request = response.request
        key = request.meta["gi_key"]
        if request.method == "HEAD" and response.status >= 400:
            # Many servers answer HEAD wrongly (405/501/404/500); WAF challenge pages need
            # their body: ask again with a capped GET.
            yield self.check_request(request.url, key, method="GET")
            return
        redirects = request.meta.get("redirect_urls") or []
        original = redirects[0] if redirects else response.url
        title, text = self._check_text(response)
        failure = classify_response(response.status, original, response.url,
                                    title=title, text=text)
        detail = unfollowed_redirect(response)
        if detail is not None:
            failure = LinkFailure.OTHER
        self.ledger.record([key], response.status, failure, checked=True, detail=detail)

    def attachment_done(self, response: Any) -> Iterator[Any]:
        """An in-site attachment: its status, and its body (up to the cap) in the WARC with
        a line in attachments.jsonl. The status becomes durable with that line."""
        request = response.request
        meta = request.meta
        if meta.get(OFFSITE):
            self._offsite_attachment(response)
            return
        redirects = meta.get("redirect_urls") or []
        original = redirects[0] if redirects else response.url
        failure = classify_response(response.status, original, response.url)
        detail = unfollowed_redirect(response)
        if detail is not None:
            failure = LinkFailure.OTHER
        keys = _chain_keys(request, response.url)
        self.ledger.record(keys, response.status, failure, checked=True, durable=False,
                           detail=detail)
        warc_file, warc_offset, digest, fetched = meta.get("gi_warc", ("", -1, "", ""))
        yield {
            "site": meta["gi_site"],
            "rec": [keys, response.status, failure.value if failure else None, detail],
            "attachment": {
                "site_code": meta["gi_site"], "url": original, "final_url": response.url,
                "status": response.status,
                "content_type": (response.headers.get(b"Content-Type") or b"").decode("latin-1"),
                "fetched_at": fetched, "depth": -1, "parent_url": None,
                "warc_file": warc_file, "warc_offset": warc_offset, "digest": digest,
                "failure": failure.value if failure else None,
                "redirect_urls": redirects, "length": len(response.body),
                "truncated": _truncation(response) is not None,
            },
        }

    def _offsite_attachment(self, response: Any) -> None:
        """An attachment redirected out of the roster: its status, and a fault with the
        target; not archived as the site's attachment."""
        request = response.request
        meta = request.meta
        redirects = meta.get("redirect_urls") or []
        original = redirects[0] if redirects else response.url
        target = meta[OFFSITE]
        warc_file, warc_offset, _digest, _fetched = meta.get("gi_warc", ("", -1, "", ""))
        failure = classify_response(response.status, original, response.url)
        # The fault before the status: a kill between them fetches it again (the fault is kept
        # once per site, kind and URL), never the reverse.
        self.ledger.add_fault(meta["gi_site"], {
            "kind": "offsite_redirect", "url": original, "target": target,
            "final_url": response.url, "status": response.status, "attachment": True,
            "warc_file": warc_file, "warc_offset": warc_offset}, durable=True)
        self.ledger.record(_chain_keys(request, response.url), response.status, failure,
                           checked=True, detail={"kind": "offsite_redirect", "target": target})

    def check_failed(self, failure: Any) -> Iterator[Any]:
        request = failure.request
        key = request.meta["gi_key"]
        cls = classify_exception(failure.value, host_of(request.url))
        detail = exception_detail(failure.value, host_of(request.url))
        if request.method == "HEAD" and cls is LinkFailure.OTHER and detail is None:
            yield self.check_request(request.url, key, method="GET")
            return
        self.ledger.record([key], None, cls, checked=True, detail=detail)

    # --- end of crawl -----------------------------------------------------------------
    def idle(self) -> None:
        """Check the in-site pages the caps kept from crawling, so their links get a status."""
        budget = self.ledger.options.max_pages_per_site
        scheduled = False
        for st in self.ledger.sites.values():
            n = 0
            for key, url in list(st.deferred.items()):
                if n >= budget:
                    break
                if self.ledger.want_check(key):
                    self.crawler.engine.crawl(self.check_request(url, key))
                    scheduled = True
                    n += 1
            st.deferred.clear()
        if scheduled:
            raise DontCloseSpider


def _referer(referer: str | None, url: str) -> dict[str, str] | None:
    """The Referer a browser sends (no-referrer-when-downgrade): none from https to http."""
    if not referer or (referer.startswith("https:") and url.startswith("http:")):
        return None
    return {"Referer": referer.split("#", 1)[0]}
