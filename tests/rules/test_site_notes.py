"""Site notes: GI-N001 undated items, GI-N002 crawler traps, GI-N003 slow homepage,
GI-N004 charset mismatch; and how analyse_round_pages hands traps and probes to them."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from site_demo import ctx, demo, site_input, site_ref

from govinspect.core.probes import ProbeOutcome, ProbeResult
from govinspect.core.types import CaptureRecord, SiteKind, SiteRef
from govinspect.extract import extract_page
from govinspect.rules import site_notes as sn
from govinspect.rules.analyse import PageInput, analyse_round_pages, peer_latency_ms

REAL = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "realpages"


# ── GI-N001 ──────────────────────────────────────────────────────────────────────────────

def _with_dates(data, bodies: dict[str, bytes]):
    """The page notes analyse_round_pages would have taken while the pages streamed past."""
    for f in data.pages:
        if f.url in bodies:
            cap = CaptureRecord(data.site.code, f.url, f.url, 200, "text/html", "", 1, None,
                                "", 0, "")
            note = sn.shown_date(data.site, PageInput(cap, bodies[f.url]), f)
            if note is not None:
                data.notes.setdefault(sn.DATE_NOTE, {})[f.url] = note
    return data


def test_undated_items_match_the_manifest():
    manifest, inputs, bodies = demo()
    planted = {(e["site"], e["url"]) for e in manifest.select(kind="undated_item")}
    assert planted
    found = set()
    for data in inputs.values():
        _with_dates(data, bodies)
        found |= {(f.subject, f.evidence.url) for f in sn.undated_items(data, ctx())}
        data.notes.clear()
    assert found == planted


LIST = """<html><head><meta charset="utf-8"><title>通知公告_示例市发展和改革委员会</title></head><body>
<div class="position">当前位置：首页 &gt; 政务公开 &gt; 通知公告</div><ul class="list">
<li><a href="./202206/t20220601_11.html">关于开展2022年度价格监测工作的通知</a><span>2022-06-01</span></li>
<li><a href="./202205/t20220520_12.html">关于公布第一批节能审查结果的公告</a>{d}</li>
<li><a href="./202205/t20220510_13.html">关于做好夏季用电保障工作的通知</a><span>2022-05-10</span></li>
<li><a href="./202204/t20220422_14.html">关于印发项目储备管理办法的通知</a><span>2022-04-22</span></li>
</ul></body></html>"""
ARTICLE = """<html><head><meta charset="utf-8"><title>关于公布第一批节能审查结果的公告</title></head><body>
<div class="position">当前位置：首页 &gt; 政务公开 &gt; 通知公告 &gt; 正文</div>
<div class="article"><h1>关于公布第一批节能审查结果的公告</h1>{d}
<div class="content"><p>根据《固定资产投资项目节能审查办法》，现将第一批节能审查结果予以公布。</p>
<p>特此公告。</p></div></div></body></html>"""
ROOT = "http://fgw.shishi.gov.cn/zwgk/tzgg/"


def _undated_site(list_date: str, page_date: str):
    pages = [(ROOT, LIST.format(d=list_date).encode()),
             (ROOT + "202205/t20220520_12.html", ARTICLE.format(d=page_date).encode())]
    return _with_dates(site_input(pages), dict(pages))


def test_undated_item_reported_only_when_list_and_page_both_lack_a_date():
    found = sn.undated_items(_undated_site("", ""), ctx())
    assert [(f.evidence.url, f.item, f.indicator_id) for f in found] == [
        (ROOT + "202205/t20220520_12.html", "undated", "G12")]
    assert found[0].details["list_url"] == ROOT
    # the 落款 date at the end is the 成文日期, and the URL's date is not shown either
    signed = '<p style="text-align:right">2022年5月20日</p>'
    assert len(sn.undated_items(_undated_site("", signed), ctx())) == 1
    for shown in ('<div class="info">发布时间：2022-05-20</div>',
                  '<div class="info">日期：2022年05月20日 来源：示例市发展和改革委员会</div>',
                  '<span class="date">2022/05/20</span>'):
        assert sn.undated_items(_undated_site("", shown), ctx()) == [], shown
    assert sn.undated_items(_undated_site("<span>2022-05-20</span>", ""), ctx()) == []


LAST_PAGE = """<html><head><meta charset="utf-8"><title>通知公告_示例市投资促进局</title></head><body>
<div class="position">当前位置：首页 &gt; 政务公开 &gt; 通知公告</div><ul class="list">
<li><a href="./202201/t20220103_21.html">关于印发2022年消防安全工作要点的通知</a><span class="date">2022-01-03</span></li>
<li><a href="./202201/t20220101_22.html">关于河长制有关事项的公告</a><span class="date">2022-01-01</span></li>
<li><a href="./202112/t20211223_23.html">关于进一步加强政务公开工作的通知</a></li>
</ul><div class="page">共2页　<a href="./">首页</a> <a href="index.html">上一页</a></div>
{links}</body></html>"""


def _last_page_site(with_first: bool, links: str = ""):
    """The short last page (index_1.html) of a paginated column: 2 dated items and, last, an
    undated one (extraction types such a page as an article)."""
    first = LIST.format(d="<span>2022-05-20</span>").replace(
        "</ul>", '</ul><div class="page">共2页 <a href="index_1.html">下一页</a></div>')
    pages = [(ROOT + "index_1.html", LAST_PAGE.format(links=links).encode()),
             (ROOT + "202112/t20211223_23.html", ARTICLE.format(d="").encode())]
    if with_first:
        pages.insert(0, (ROOT, first.encode()))
    return _with_dates(site_input(pages), dict(pages))


def test_undated_item_on_the_short_last_page_of_a_column():
    found = sn.undated_items(_last_page_site(True), ctx())
    assert [(f.evidence.url, f.details["list_url"]) for f in found] == [
        (ROOT + "202112/t20211223_23.html", ROOT + "index_1.html")]
    # a page with two dated items that is no page of a dated column proves nothing
    assert sn.undated_items(_last_page_site(False), ctx()) == []


# ── GI-N002 ──────────────────────────────────────────────────────────────────────────────

def test_crawler_trap_notes_become_findings_with_the_cut_pattern():
    data = site_input([], site_ref(code="3411000005", home="http://jxj.shishi.gov.cn/"))
    assert sn.crawler_traps(data, ctx()) == []
    data.traps = [{"kind": "calendar", "pattern": "jxj.shishi.gov.cn/hdjl/hdrl/?date=*", "cut": 3}]
    [f] = sn.crawler_traps(data, ctx())
    assert f.evidence.url == "http://jxj.shishi.gov.cn/hdjl/hdrl/?date="
    assert "无限日历" in f.message and f.details["cut"] == 3 and f.item == "crawler_trap"


# ── GI-N003 ──────────────────────────────────────────────────────────────────────────────

T0 = dt.datetime(2022, 6, 24, 8, 0)


def _probes(ms: list[int | None]) -> list[ProbeResult]:
    return [ProbeResult(i, T0 + dt.timedelta(hours=i), ProbeOutcome.OK if m is not None
                        else ProbeOutcome.TIMEOUT, probed_at=T0, status=200 if m else None,
                        latency_ms=m) for i, m in enumerate(ms)]


def _slow(ms, peer):
    data = site_input([])
    data.probes, data.peer_latency_ms = _probes(ms), peer
    return sn.slow_homepage(data, ctx())


def test_slow_homepage_absolute_and_relative_to_the_round():
    assert [f.item for f in _slow([3500, 4200, 3900, 5000, 3100, 800], 300.0)] == ["slow_homepage"]
    # the demo's slow site: 0.3–0.8 s where the others answer in a few milliseconds
    [f] = _slow([420, 610, 380, 790, 450], 2.0)
    assert f.details["median_ms"] == 450
    assert _slow([420, 610, 380, 790, 450], 200.0) == []  # an ordinary site on a slow network
    assert _slow([8, 12, 9, 10, 11], 2.0) == []  # fast, if 5× the others
    assert _slow([4000, 5000, None, None], 2.0) == []  # too few answered probes to judge


def test_peer_latency_is_the_median_of_the_sites_medians():
    assert peer_latency_ms([_probes([1, 2, 3]), _probes([500, 600]), _probes([2, 2]),
                            _probes([None])]) == 2.0
    assert peer_latency_ms([]) is None


# ── GI-N004 ──────────────────────────────────────────────────────────────────────────────

def test_charset_mismatch_matches_the_manifest():
    manifest, inputs, _ = demo()
    planted = {e["site"] for e in manifest.select(kind="charset_wrong")}
    found = {f.subject for d in inputs.values() for f in sn.charset_mismatch(d, ctx())}
    assert planted and found == planted


PAGE = '<html><head><meta charset="{decl}"><title>{title}</title></head><body><p>{title}</p></body></html>'


def _charset(decl: str, title: str, enc: str, header: str = "text/html"):
    url = "http://fgw.shishi.gov.cn/"
    body = PAGE.format(decl=decl, title=title).encode(enc)
    data = site_input([(url, body)])
    data.captures[url] = CaptureRecord("3411000002", url, url, 200, header, "", 0, None, "", 0, "")
    return sn.charset_mismatch(data, ctx())


def test_charset_declarations():
    assert _charset("utf-8", "示例市发展和改革委员会", "gbk")[0].details["actual"] == "gb18030"
    assert _charset("gb2312", "示例市发展和改革委员会", "gbk") == []  # GB family is one
    assert _charset("gbk", "Site Map", "utf-8") == []  # pure ASCII shows the same either way
    # the HTTP header wins over <meta>, as in a browser
    assert _charset("gbk", "示例市发展和改革委员会", "gbk", "text/html; charset=UTF-8")
    assert _charset("utf-8", "示例市发展和改革委员会", "gbk", "text/html; charset=GBK") == []


def test_real_pages_give_no_charset_finding():
    for line in (REAL / "labels.jsonl").read_text("utf-8").splitlines():
        label = json.loads(line)
        url = label["url"] or f"http://www.pingtan.gov.cn/{label['id']}.html"
        body = (REAL / "pages" / f"{label['id']}.html").read_bytes()
        facts = extract_page(body, url)
        assert sn._mismatch(facts, None) is None, label["id"]


# ── wiring: analyse_round_pages passes traps and probes on ───────────────────────────────

@pytest.mark.parametrize("slow", [True, False])
def test_analyse_round_pages_hands_traps_and_probes_to_site_checks(slow):
    sites = [SiteRef(f"341100000{i}", f"示例市第{i}局", f"http://s{i}.shishi.gov.cn/",
                     SiteKind.DEPARTMENT, (f"s{i}.shishi.gov.cn",)) for i in range(1, 5)]
    probes = {s.code: _probes([2, 3, 2, 2, 3]) for s in sites}
    if slow:
        probes["3411000001"] = _probes([450, 500, 620, 380, 700])
    traps = {"3411000002": [{"kind": "session", "pattern": "s2.shishi.gov.cn/*;jsessionid=*",
                             "cut": 12}]}
    found = analyse_round_pages(sites, [], [], ctx(), traps=traps, probes=probes)
    rules = {code: sorted(f.rule_id for f in fs if f.rule_id.startswith("GI-N"))
             for code, fs in found.items()}
    assert rules["3411000002"] == ["GI-N002"]
    assert rules["3411000001"] == (["GI-N003"] if slow else [])


def test_real_item_pages_all_show_their_date():
    for line in (REAL / "labels.jsonl").read_text("utf-8").splitlines():
        label = json.loads(line)
        url = label["url"] or f"http://www.pingtan.gov.cn/{label['id']}.html"
        body = (REAL / "pages" / f"{label['id']}.html").read_bytes()
        facts = extract_page(body, url)
        cap = CaptureRecord("3500000001", url, url, 200, "text/html", "", 1, None, "", 0, "")
        assert sn.shown_date(None, PageInput(cap, body), facts) in (True, None), label["id"]


def test_notes_are_reported_without_points():
    from govinspect.indicators.engine import score_site

    data = _undated_site("", "")
    data.traps = [{"kind": "calendar", "pattern": "fgw.shishi.gov.cn/hdrl/?date=*", "cut": 2}]
    data.probes, data.peer_latency_ms = _probes([900, 1200, 1000, 1100, 950]), 20.0
    notes = (sn.undated_items(data, ctx()) + sn.crawler_traps(data, ctx())
             + sn.slow_homepage(data, ctx()) + _charset("utf-8", "示例市发展和改革委员会", "gbk"))
    assert {f.rule_id for f in notes} == {"GI-N001", "GI-N002", "GI-N003", "GI-N004"}
    clean = score_site(data.site, [], ctx().indicator_set)
    scored = score_site(data.site, notes, ctx().indicator_set)
    assert scored.score == clean.score and scored.passed and not scored.vetoes
