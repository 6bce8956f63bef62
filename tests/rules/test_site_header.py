"""GI-W005 site name in the page header (W-D20 name_not_prominent)."""

from __future__ import annotations

import json
from pathlib import Path

from site_demo import ctx, demo, site_input

from govinspect.core.types import CaptureRecord, SiteKind, SiteRef
from govinspect.rules import site_header as sh
from govinspect.rules.analyse import PageInput

REAL = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "realpages"


def _with_notes(data, bodies: dict[str, bytes]):
    for f in data.pages:
        if f.url in bodies:
            cap = CaptureRecord(data.site.code, f.url, f.url, 200, "text/html", "", 1, None,
                                "", 0, "")
            note = sh.site_header(data.site, PageInput(cap, bodies[f.url]), f)
            if note is not None:
                data.notes.setdefault(sh.NOTE, {})[f.url] = note
    return data


def test_demo_sites_show_their_names():
    _m, inputs, bodies = demo()
    checked = 0
    for data in inputs.values():
        _with_notes(data, bodies)
        checked += len(data.notes.get(sh.NOTE, {}))
        assert sh.name_not_prominent(data, ctx()) == []
        data.notes.clear()
    assert checked > 100


PAGE = """<html><head><meta charset="utf-8"><title>{title}</title></head><body>
<div class="top"><div class="wrap">{logo}<div class="links"><a href="/">首页</a> |
<a href="/wzdt/">网站地图</a> | <a href="/wza/">无障碍浏览</a></div></div></div>
<div class="nav"><a href="/zwgk/">政务公开</a><a href="/hdjl/">互动交流</a></div>
<div class="main"><h1>关于开展2022年度价格监测工作的通知</h1><p>各有关单位：……</p></div>
<div class="footer"><p>主办单位：示例市发展和改革委员会</p></div></body></html>"""


def _site(title: str, logo: str):
    url = "http://fgw.shishi.gov.cn/zwgk/tzgg/202206/t20220601_11.html"
    body = PAGE.format(title=title, logo=logo).encode()
    return sh.name_not_prominent(_with_notes(site_input([(url, body)]), {url: body}), ctx())


def test_header_and_title_without_the_name_are_reported():
    [f] = _site("关于开展2022年度价格监测工作的通知", "<span>2022年6月30日 星期四</span>")
    assert (f.indicator_id, f.item, f.details["pages_missing"]) == ("W-D20", "name_not_prominent", 1)


def test_name_in_title_header_text_or_logo_alt_is_enough():
    assert _site("关于开展价格监测工作的通知_示例市发展和改革委员会", "") == []
    assert _site("通知", '<div class="logo"><h1>示例市发展和改革委员会</h1></div>') == []
    assert _site("通知", '<a href="/"><img src="/logo.png" alt="示例市发展和改革委员会门户网站"></a>') == []


def test_unreadable_logo_is_not_judged():
    assert _site("通知", '<a href="/"><img src="/images/logo.png"></a>') == []
    assert _site("通知", '<div class="logo"></div>') == []  # a CSS background


def test_real_pages_give_no_finding():
    by_site: dict[str, list[tuple[str, bytes]]] = {}
    for line in (REAL / "labels.jsonl").read_text("utf-8").splitlines():
        label = json.loads(line)
        url = label["url"] or f"http://www.pingtan.gov.cn/{label['id']}.html"
        body = (REAL / "pages" / f"{label['id']}.html").read_bytes()
        by_site.setdefault(label["site"], []).append((url, body))
    for name, pages in by_site.items():
        host = pages[0][0].split("/")[2]
        # the roster name: "宜春市人民政府" of "中国宜春 / 宜春市人民政府 (…)"
        roster = name.split(" (")[0].split(" / ")[-1]
        site = SiteRef("3500000001", roster, f"http://{host}/", SiteKind.DEPARTMENT, (host,))
        data = _with_notes(site_input(pages, site), dict(pages))
        assert sh.name_not_prominent(data, ctx()) == [], name


def test_name_variants_drop_the_website_suffix():
    assert sh.name_variants("示例市政务服务网") == ["示例市政务服务网"]
    assert sh.name_variants("万载县人民政府门户网站") == ["万载县人民政府门户网站", "万载县人民政府"]
