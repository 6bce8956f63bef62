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


# ── GI-G002 W-D13 办事指南要素和表述 ──────────────────────────────────────────────────────────

TABLE_GUIDE = """<html><head><meta charset="utf-8"><title>{name}办事指南_示例市发展和改革委员会</title>
<meta name="ColumnName" content="办事指南"></head><body>
<div class="position">当前位置：首页 &gt; 办事服务 &gt; 办事指南 &gt; 正文</div>
<div class="article"><h1 class="title">{name}办事指南</h1><table class="bszn">
<tr><th>事项名称</th><td>{name}</td></tr>
<tr><th>设定依据</th><td>{basis}</td></tr>
<tr><th>申请条件</th><td>申请人为在本市依法登记的企业。</td></tr>
<tr><th>申请材料</th><td>{materials}</td></tr>
<tr><th>办理地点</th><td>示例市政务服务中心二楼综合窗口</td></tr>
<tr><th>实施机构</th><td>示例市发展和改革委员会</td></tr>
<tr><th>收费标准</th><td>不收费</td></tr>
<tr><th>办理时限</th><td>5个工作日</td></tr>
<tr><th>咨询电话</th><td>0550-3000456</td></tr>
<tr><th>办理流程</th><td>申请—受理—审查—决定—送达</td></tr>
</table></div><div class="footer"><p>主办单位：示例市发展和改革委员会 联系电话：0550-3000123</p></div>
</body></html>"""
GOOD_BASIS = ("《中华人民共和国价格法》第二十八条：为适应价格调控和管理的需要，政府价格主管部门"
              "应当建立价格监测制度。")
GOOD_MATERIALS = "<p>1.价格认定申请表（原件1份，纸质）</p><p>2.营业执照（复印件1份，加盖公章）</p>"


def _wd13_page(n: int, name="价格认定", basis=GOOD_BASIS, materials=GOOD_MATERIALS):
    url = f"{BASE}202205/t20220510_{n}.html"
    body = TABLE_GUIDE.format(name=name, basis=basis, materials=materials).encode()
    facts = extract_page(body, url)
    cap = CaptureRecord("3411000002", url, url, 200, "text/html", "", 1, None, "", 0, "")
    page = PageInput(cap, body)
    return url, ss.guide_elements(None, page, facts), ss.guide_text(None, page, facts)


def _wd13_site(*pages):
    data = site_input([])
    for url, elements, text in pages:
        data.notes.setdefault(ss.NOTE, {})[url] = elements
        data.notes.setdefault(ss.TEXT_NOTE, {})[url] = text
    return data


def test_guide_text_reads_materials_and_basis_from_the_table():
    _url, elements, text = _wd13_page(1)
    assert all(elements.values())
    assert text["materials"].splitlines() == ["1.价格认定申请表（原件1份，纸质）",
                                              "2.营业执照（复印件1份，加盖公章）"]
    assert text["basis"].startswith("《中华人民共和国价格法》第二十八条")
    assert ss.guide_quality(_wd13_site(_wd13_page(1)), ctx()) == []


def test_vague_unclear_and_bare_citation_each_reported_once_per_guide():
    page = _wd13_page(2, basis="《中华人民共和国价格法》、《安徽省价格条例》", materials=(
        "<p>1.价格认定申请表（原件1份）</p><p>2.身份证明</p><p>3.营业执照</p>"
        "<p>4.根据有关法律法规规定应提交的其他材料</p><p>5.其他相关材料</p>"))
    found = ss.guide_quality(_wd13_site(page), ctx())
    assert [(f.item, f.details["text"]) for f in found] == [
        ("vague_wording", "根据有关法律法规规定应提交的其他材料"),
        ("material_format_unclear", "身份证明"),
        ("cited_without_content", "《中华人民共和国价格法》")]
    assert all(f.indicator_id == "W-D13" and f.rule_id == "GI-G002" for f in found)
    points = {f.item: ctx().indicator_set.item("W-D13", f.item)["points"] for f in found}
    assert points == {"vague_wording": 2, "material_format_unclear": 1,
                      "cited_without_content": 0.5}
    assert len({f.fingerprint for f in found}) == 3


def test_lookalikes_are_not_vague_or_bare():
    # "无需提供其他材料" states that nothing else is needed; a citation with its article counts
    page = _wd13_page(3, basis="《中华人民共和国价格法》第二十八条", materials=(
        GOOD_MATERIALS + "<p>3.通过全程网办申请的，无需提供其他材料。</p>"))
    assert ss.guide_quality(_wd13_site(page), ctx()) == []


def test_missing_elements_per_category_in_the_sample_and_one_finding_outside_it():
    lacking = []
    for n in range(7):
        url, elements, text = _wd13_page(10 + n, name=f"事项{n}")
        elements = {**elements, "收费标准": False, "办理流程": False}
        lacking.append((url, elements, text))
    found = ss.guide_quality(_wd13_site(*lacking), ctx())
    sample = found[0].details["sample"]
    assert len(sample) == 5 and sample == ss.guide_quality(_wd13_site(*lacking), ctx())[0].details[
        "sample"]  # the same sample in every re-run of the round
    scored = [f for f in found if f.item == "missing_element"]
    assert sorted({f.evidence.url for f in scored}) == sample
    assert [f.details["text"] for f in scored[:2]] == ["收费标准", "办理流程"]
    assert len(scored) == 10 and len({f.fingerprint for f in scored}) == 10
    outside = [f for f in found if f.item == "outside_sample"]
    assert len(outside) == 2 and "不扣分" in outside[0].message
    assert ctx().indicator_set.item("W-D13", "outside_sample")["points"] == 0
    other = ss.guide_quality(_wd13_site(*lacking), ctx(name="2022Q3"))[0].details["sample"]
    assert other != sample  # another round draws another sample


def test_demo_vague_materials_match_the_manifest():
    manifest, inputs, bodies = demo()
    planted = {(e["url"], e["text"]) for e in manifest.select(kind="guide_vague_materials")}
    lookalikes = {e["url"] for e in manifest.select(kind="lookalike_guide_no_other_materials",
                                                     negative=True)}
    missing = {e["url"] for e in manifest.select(kind="guide_missing_elements")}
    assert planted
    found = set()
    for data in inputs.values():
        for f in data.pages:
            if f.url in bodies:
                cap = CaptureRecord(data.site.code, f.url, f.url, 200, "text/html", "", 1, None,
                                    "", 0, "")
                for name, reader in ((ss.NOTE, ss.guide_elements), (ss.TEXT_NOTE, ss.guide_text)):
                    note = reader(data.site, PageInput(cap, bodies[f.url]), f)
                    if note is not None:
                        data.notes.setdefault(name, {})[f.url] = note
        for f in ss.guide_quality(data, ctx()):
            assert f.evidence.url not in lookalikes
            if f.evidence.url not in missing:  # those are GI-G001's plants (W-V6)
                found.add((f.evidence.url, f.details["text"]))
        data.notes.clear()
    assert found == planted
