"""Crawler traps vs document ids on a real TRS site (issue 15): the real 平潭 政务公开 pages
(../shared/data/realpages/pages/pt-*.html, their original URLs in labels.jsonl) served under
their original paths. Every article URL of a TRS site ends in a document id
(``t20260910_108853.htm``) that the old trap heuristic read as page 108853 of an endless
pagination; every linked article must be fetched and no trap noted.

Article ids the corpus does not hold are answered with a real article page of the same
template (pt-art-96906), so each article is a real page with the site's real chrome and
links. Skips when the shared pages are absent."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from realsite_server import REALPAGES, RealSiteServer, by_path, real_pages

from govinspect.collect.crawl import sites_to_json
from govinspect.collect.ledger import url_key
from govinspect.collect.options import CollectOptions
from govinspect.collect.store import read_capture_lines, read_link_checks
from govinspect.collect.traps import TrapGuard, pagination
from govinspect.core.types import SiteKind, SiteRef

HOST = "www.pingtan.gov.cn"
ARTICLE = re.compile(r"/t\d{8}_\d+\.htm$")

needs_pages = pytest.mark.skipif(not (REALPAGES / "labels.jsonl").exists(),
                                 reason="the shared real pages (../shared/data/realpages) "
                                        "are not on this machine")


@needs_pages
def test_trs_document_ids_are_not_page_numbers_pure():
    """Every link of every real 平潭 page through a fresh guard: none is cut."""
    from datetime import date

    from govinspect.collect.html import parse_html

    pages = real_pages("pt-")
    assert len(pages) >= 20
    guard = TrapGuard(date(2026, 10, 1))
    articles = 0
    for url, raw in pages.values():
        for link in parse_html(raw.decode("utf-8"), url).links:
            if ARTICLE.search(link.url):
                articles += 1
                assert pagination(link.url) is None, link.url
            assert guard.allow(link.url, text=link.text), (url, link)
    assert articles > 100 and guard.report() == []


@needs_pages
@pytest.mark.slow
def test_a_real_trs_site_crawled_every_linked_article_no_trap(tmp_path):
    pages = real_pages("pt-")
    article = pages["pt-art-96906"][1]

    def fill(path: str) -> bytes | None:
        return article if ARTICLE.search(path) else None

    with RealSiteServer(HOST, by_path(pages), tmp_path, fill) as srv:
        site = SiteRef(code="3501280001", name="平潭综合实验区", homepage=srv.url("/zwgk/"),
                       kind=SiteKind.PORTAL, hosts=(HOST,))
        options = CollectOptions(
            resolve={HOST: "127.0.0.1"}, allow_private=True, download_delay=0.0,
            autothrottle=False, obey_robots=False, timeout_s=20.0, retry_times=1,
            retry_backoff_s=0.05, per_host_concurrency=4, probe_transport=False,
            probe_search=False)
        (tmp_path / "sites.json").write_text(sites_to_json([site]), encoding="utf-8")
        (tmp_path / "options.json").write_text(json.dumps(options.to_dict()), encoding="utf-8")
        proc = subprocess.run(
            [sys.executable, "-m", "govinspect.collect", str(tmp_path / "sites.json"),
             str(tmp_path / "out"), "--options", str(tmp_path / "options.json"), "--quiet"],
            capture_output=True, text=True, timeout=900)
        assert proc.returncode == 0, proc.stderr
    out: Path = tmp_path / "out"
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    s = summary["sites"]["3501280001"]
    assert s["traps"] == [] and not any("陷阱" in n for n in summary["notes"])
    assert not s["page_cap_hit"] and not s["depth_cap_hit"]
    captured = {url_key(r["url"]): r for r in read_capture_lines(out)}
    captured.update({url_key(r["final_url"]): r for r in read_capture_lines(out)})
    linked = {url_key(c.url): c.url for c in read_link_checks(out)
              if c.link_class.value == "in_site" and c.resource_kind.value == "page"}
    missing = sorted(u for k, u in linked.items() if k not in captured)
    assert missing == [], missing[:10]  # every in-site page the site links was fetched
    articles = [r for r in captured.values() if ARTICLE.search(r["url"])]
    print(f"TRS crawl: {len(captured)} pages, {len({r['url'] for r in articles})} articles")
    assert len({r["url"] for r in articles}) > 100
    assert all(r["status"] == 200 for r in articles)
