"""Crawler traps vs document ids on a real TRS site (issue 15): the real 平潭 政务公开 pages
(../shared/data/realpages/pages/pt-*.html, their original URLs in labels.jsonl) served under
their original paths. Every article URL of a TRS site ends in a document id
(``t20260910_108853.htm``) that the old trap heuristic read as page 108853 of an endless
pagination; every linked article must be fetched and no trap noted.

The whole round runs in the demo's real-site mode (``govinspect demo-real``,
docs/demo-network.md): article ids the corpus does not hold are answered with a real article
page of the same template (pt-art-96906), so each article is a real page with the site's real
chrome and links. Skips when the shared pages are absent."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from govinspect.collect.ledger import url_key
from govinspect.collect.store import read_capture_lines, read_link_checks
from govinspect.collect.traps import TrapGuard, pagination

REALPAGES = Path(__file__).resolve().parents[3] / "shared" / "data" / "realpages"
HOST = "www.pingtan.gov.cn"
ARTICLE = re.compile(r"/t\d{8}_\d+\.htm$")


def real_pages(prefix: str) -> dict[str, tuple[str, bytes]]:
    """label id → (original URL, page bytes) for the labelled pages whose id starts so."""
    out = {}
    for line in (REALPAGES / "labels.jsonl").read_text(encoding="utf-8").splitlines():
        label = json.loads(line)
        if label["id"].startswith(prefix) and label.get("url"):
            out[label["id"]] = (label["url"], (REALPAGES / "pages" / f"{label['id']}.html")
                                .read_bytes())
    return out


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
def test_a_whole_round_on_the_real_trs_site_fetches_every_article_no_false_trap(tmp_path):
    """`govinspect demo-real` (real-site mode) over the real 平潭 pages: collect + analyse +
    report. Reference time: the archive's capture day (its README: 2026-09-10)."""
    out = tmp_path / "real"
    env = {k: v for k, v in os.environ.items() if k != "GOVINSPECT_DATABASE_URL"}
    proc = subprocess.run(
        [sys.executable, "-m", "govinspect.cli", "demo-real", str(REALPAGES), "--host", HOST,
         "--fill", ARTICLE.pattern + "=pt-art-96906", "--t", "2026-09-10T17:00:00+08:00",
         "--out", str(out)], capture_output=True, text=True, env=env, timeout=900)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    collect = out / "rounds" / "REAL" / "collect"
    summary = json.loads((collect / "summary.json").read_text(encoding="utf-8"))
    s = summary["sites"]["3590000001"]
    assert s["traps"] == [] and not any("陷阱" in n for n in summary["notes"])
    assert not s["page_cap_hit"] and not s["depth_cap_hit"]
    captured = {url_key(r["url"]): r for r in read_capture_lines(collect)}
    captured.update({url_key(r["final_url"]): r for r in read_capture_lines(collect)})
    linked = {url_key(c.url): c.url for c in read_link_checks(collect)
              if c.link_class.value == "in_site" and c.resource_kind.value == "page"}
    missing = sorted(u for k, u in linked.items() if k not in captured)
    assert missing == [], missing[:10]  # every in-site page the site links was fetched
    articles = {r["url"] for r in captured.values() if ARTICLE.search(urlsplit(r["url"]).path)}
    print(f"TRS round: {len(captured)} pages, {len(articles)} articles")
    assert len(articles) > 100
    assert all(captured[url_key(u)]["status"] == 200 for u in articles)
    findings = json.loads((out / "reports" / "REAL" / "findings.json").read_text(encoding="utf-8"))
    for f in findings:
        print(f["rule"], f["item"], f["confidence"], f["url"][:100], f["message"][:80])
    assert [f for f in findings if f["rule"] == "GI-N002"] == []  # no false 无尽分页
    # every page of the site is served (captured, filled or a not-captured placeholder):
    # no link on the site itself may be reported broken
    assert [f["url"] for f in findings if f["rule"] == "GI-L001"
            and urlsplit(f["url"]).hostname == HOST] == []
