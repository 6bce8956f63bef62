"""GI-G001 办事指南要素缺失 (W-V6): demo guides, hand-written realistic guides, real pages."""

from __future__ import annotations

from pathlib import Path

import pytest
from site_demo import ctx, demo, site_input, site_ref

from govinspect.core.types import CaptureRecord
from govinspect.extract import extract_page
from govinspect.rules import site_service as ss
from govinspect.rules.analyse import PageInput

REAL = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "realpages"
BASE = "http://fgw.shishi.gov.cn/bsfw/bszn/"


def _page(url: str, body: bytes, site=None) -> tuple:
    site = site or site_ref()
    facts = extract_page(body, url)
    cap = CaptureRecord(site.code, url, url, 200, "text/html", "", 1, None, "", 0, "")
    return ss.guide_elements(site, PageInput(cap, body), facts)


def _with_notes(data, bodies):
    for f in data.pages:
        if f.url in bodies:
            cap = CaptureRecord(data.site.code, f.url, f.url, 200, "text/html", "", 1, None,
                                "", 0, "")
            note = ss.guide_elements(data.site, PageInput(cap, bodies[f.url]), f)
            if note is not None:
                data.notes.setdefault(ss.NOTE, {})[f.url] = note
    return data


def test_demo_guides_match_the_manifest():
    manifest, inputs, bodies = demo()
    planted = {(e["site"], e["url"]): e["missing"]
               for e in manifest.select(kind="guide_missing_elements")}
    assert planted
    found, judged = {}, 0
    for data in inputs.values():
        _with_notes(data, bodies)
        judged += len(data.notes.get(ss.NOTE, {}))
        for f in ss.incomplete_guides(data, ctx()):
            found[(f.subject, f.evidence.url)] = f.details["missing"]
        data.notes.clear()
    assert judged > len(planted)  # the complete guides were judged too, and passed
    assert found == planted


GUIDE = """<html><head><meta charset="utf-8"><title>{name}办事指南_示例市发展和改革委员会</title></head>
<body><div class="top"><h1>示例市发展和改革委员会</h1></div>
<div class="position">当前位置：首页 &gt; 办事服务 &gt; 办事指南</div>
<h1 class="title">{name}办事指南</h1>
<div class="content"><p>一、事项名称：{name}</p>{rows}</div>
<div class="footer"><p>主办单位：示例市发展和改革委员会</p>
<p>地址：示例市丰乐路8号 联系电话：0550-3000123</p><p>网站标识码：3411000002</p></div>
</body></html>"""
ROWS = {"设定依据": "<p>二、设定依据：《中华人民共和国价格法》</p>",
        "申请条件": "<p>三、申请条件：申请人为本市登记的企业</p>",
        "办理材料": "<p>四、申请材料：1.申请表（原件1份）</p>",
        "办理地点": "<p>五、办理地点：市政务服务中心三楼</p>",
        "办理机构": "<p>六、实施机构：示例市发展和改革委员会</p>",
        "收费标准": "<p>七、收费标准：不收费</p>",
        "办理时间": "<p>八、办理时限：5个工作日</p>",
        "联系电话": "<p>九、咨询电话：0550-3000456</p>",
        "办理流程": "<p>十、办理流程：申请—受理—审查—决定</p>"}


def _guide(name: str, drop: tuple[str, ...] = ()) -> bytes:
    rows = "".join(v for k, v in ROWS.items() if k not in drop)
    return GUIDE.format(name=name, rows=rows).encode("utf-8")


def test_numbered_paragraph_guide_read_and_footer_phone_not_counted():
    complete = _page(BASE + "t20220101_1.html", _guide("价格认定"))
    assert complete is not None and all(complete.values())
    lacking = _page(BASE + "t20220101_2.html",
                    _guide("价格认定", ("设定依据", "联系电话", "办理时间", "收费标准")))
    assert [k for k, ok in lacking.items() if not ok] == ["设定依据", "收费标准", "办理时间",
                                                          "联系电话"]


def _site(guides: list[tuple[str, tuple[str, ...]]]):
    data = site_input([])
    for i, (name, drop) in enumerate(guides):
        url = f"{BASE}t2022010{i}_{i}.html"
        data.notes.setdefault(ss.NOTE, {})[url] = _page(url, _guide(name, drop))
    return data


FOUR = ("设定依据", "办理材料", "办理机构", "办理时间")


def test_veto_items_by_number_of_guides():
    few = ss.incomplete_guides(_site([("甲", FOUR), ("乙", FOUR)]), ctx())
    assert [f.item for f in few] == ["all_incomplete"] * 2
    mixed = ss.incomplete_guides(_site([("甲", FOUR), ("乙", ()), ("丙", FOUR[:3])]), ctx())
    assert [f.item for f in mixed] == ["incomplete_guides"]
    assert mixed[0].details["missing"] == list(FOUR)
    assert ss.incomplete_guides(_site([("甲", FOUR[:3]), ("乙", ())]), ctx()) == []


def test_information_disclosure_guide_and_article_are_not_service_guides():
    article = _guide("价格认定").replace("办事指南".encode(), "工作动态".encode())
    assert _page("http://fgw.shishi.gov.cn/xwzx/t20220101_9.html", article) is None


@pytest.mark.parametrize("page_id", ["pt-guide-col", "pt-guide-doc", "pt-guide-bq",
                                     "yichun-home", "pt-list-gsgg", "nfra-1"])
def test_real_pages_are_not_read_as_service_guides(page_id):
    body = (REAL / "pages" / f"{page_id}.html").read_bytes()
    assert _page("http://www.pingtan.gov.cn/zwgk/x.html", body) is None
