"""Golden test: a round equivalent to the seed's inputs (滁州市 2022Q2) gives the seed's 通报
figures, and its attachments match the seed's, row for row."""

from __future__ import annotations

import re
import unicodedata

import pytest
from chuzhou_round import SEED, load, run
from openpyxl import load_workbook

from govinspect.reports.notice import build_notice, render_html, write_docx, write_xlsx


def norm(text: str) -> str:
    """The seed's web text uses ASCII punctuation and stray spaces; compare without them."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


@pytest.fixture(scope="module")
def notice():
    iset, summary, meta = run()
    return build_notice(summary, iset, meta), summary


def test_fixture_is_the_seed_round():
    data = load()
    sites = data["sites"]
    kinds = [s["kind"] for s in sites]
    assert len(sites) == 53
    assert (kinds.count("门户"), kinds.count("部门"), kinds.count("专项")) == (9, 42, 2)
    assert len(data["accounts"]) == 229
    assert len(data["inquiries"]) == 50


def test_transcription_matches_the_seed_text():
    if not SEED.is_file():
        pytest.skip(f"seed text not available at {SEED}")
    seed = SEED.read_text(encoding="utf-8")
    flat = norm(seed)
    expected = load()["expected"]
    assert norm(expected["title"]) in flat
    for paragraph in expected["paragraphs"]:
        assert norm(paragraph) in flat
    a1 = flat[flat.index(norm("附件1二季度")):flat.index(norm("注:专项"))]
    assert norm("".join("".join(row) for row in expected["attachment1"])) in a1
    for key in ("attachment2", "attachment3"):
        for row in expected[key]:
            for cell in row:
                assert norm(cell) in flat


def test_overall_figures_are_exactly_the_seeds(notice):
    n, summary = notice
    expected = load()["expected"]
    assert n.title == expected["title"]
    body = [norm(p.lead + p.text) for p in n.paragraphs]
    for paragraph in expected["paragraphs"]:
        assert norm(paragraph) in body
    # the same figures, from the summary itself
    assert str(summary.site_pass_rate) == "94.34"
    assert (len(summary.entered_bonus), str(summary.entered_bonus_rate)) == (31, "58.49")
    kinds = [r.entry.site.kind.value for r in summary.entered_bonus]
    assert (kinds.count("部门"), kinds.count("门户")) == (23, 8)
    assert (len(summary.above), len(summary.at_least)) == (1, 18)
    assert summary.inquiries.counts == (35, 13, 2)
    assert str(summary.changes["inquiry_within_1_rate"]) == "1.84"
    assert summary.changes["inquiry_within_5_rate"] == 0
    assert str(summary.account_pass_rate) == "99.56"


def test_portals_scores_are_in_the_requested_bands(notice):
    _, summary = notice
    scores = {r.entry.short_name: r.score.final for r in summary.sites
              if r.entry.site.kind.value == "门户" and r.score.final is not None}
    assert len(scores) == 8
    for name in ("琅琊区", "全椒县", "明光市", "来安县"):
        assert 90 <= scores[name] <= 100
    for name in ("市政府", "天长市", "凤阳县", "定远县"):
        assert 80 < scores[name] < 90


def test_attachments_are_identical_to_the_seeds(notice):
    n, _ = notice
    expected = load()["expected"]
    a1, a2, a3 = n.attachments
    assert [list(r) for r in a1.rows] == expected["attachment1"]
    assert a1.title == "二季度市直部门网站检查评分结果"
    assert a1.note == "注：专项网站仅检查单项否决指标。"
    assert [list(r) for r in a2.rows] == expected["attachment2"]
    assert [list(r) for r in a3.rows] == expected["attachment3"]


def test_main_problems_name_the_vetoed_units(notice):
    n, _ = notice
    text = n.text
    assert ("南谯区、市发展改革委、市交通局政府网站应更新未更新栏目超过10个，"
            "依据《滁州市政府网站与政务新媒体检查指标》，被单项否决，列为不合格网站") in text
    assert "“滁州治安在线”新浪微博超过一周未更新" in text
    assert "新浪微博缺少与本单位职能相关的政务信息" in text
    start, end = text.index("二、主要问题"), text.index("三、下一步工作要求")
    assert "（一）内容保障有所松懈。" in text[start:end]


def test_scores_trace_back_to_findings(notice):
    _, summary = notice
    top = summary.ranking[0].result.score
    assert top.base == 110 and str(top.raw_final) == "112.4"
    assert any("W-B6" in line for line in top.explain())
    for r in summary.ranking:
        s = r.result.score
        if s.final is None:
            continue
        for d in s.deductions:
            assert d.fingerprints, d


def test_docx_xlsx_html_carry_the_same_content(notice, tmp_path):
    from docx import Document

    n, _ = notice
    docx_path = write_docx(n, tmp_path / "通报.docx")
    doc = Document(str(docx_path))
    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert (round(section.top_margin.mm), round(section.left_margin.mm)) == (37, 28)
    title = next(p for p in doc.paragraphs if p.text == n.title)
    fonts = title.runs[0]._element.rPr.rFonts
    assert fonts.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia") \
        == "方正小标宋简体"
    assert title.runs[0].font.size.pt == 22
    body = next(p for p in doc.paragraphs if p.text.startswith("按照相关检查指标"))
    assert body.runs[0].font.name == "仿宋_GB2312" and body.runs[0].font.size.pt == 16
    footer_xml = section.footer._element.xml
    assert "PAGE" in footer_xml and "— " in footer_xml
    table_rows = [[c.text for c in row.cells] for row in doc.tables[0].rows]
    assert table_rows[1:] == load()["expected"]["attachment1"]
    assert not list(tmp_path.glob("*.part"))

    wb = load_workbook(write_xlsx(n, tmp_path / "附件.xlsx"))
    assert wb.sheetnames == ["附件1", "附件2", "附件3"]
    ws = wb["附件1"]
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=3, max_row=44)]
    assert rows[0] == [1, "3411000059", "滁州市供销合作社联合社", 102.18]
    assert rows[-1] == [42, "3411000066", "滁州公共资源交易中心", "合格"]

    html = render_html(n)
    assert n.title in html and "102.18" in html and "一周内未更新" in html
    assert "<script" not in html
