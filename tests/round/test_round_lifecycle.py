"""A round on a small local network, as an office runs it (issue 14 items 1, 2 and 4).

- `report` refuses a round that was not collected and analysed (or writes a draft, 草稿 on
  every page); every output says how many findings wait for review;
- a site that is down (connection refused, no W-V2 probes) gets a certain GI-A002 finding, is
  待核实 in every output and ranked in none;
- `round run` a second time skips the finished stages without a request; `--reanalyse`
  applies a lexicon change from the stored captures only."""

from __future__ import annotations

import json

import pytest
from docx import Document
from network import DOWN, UNFED, UP
from openpyxl import load_workbook

pytestmark = pytest.mark.slow

LEXICON = """category: 本地词库
defaults: {severity: 一般, confidence: 确定}
terms:
  - [工作动态, 工作动向]
"""


def requests(net) -> int:
    return sum(net.server.hits.values())


def test_report_guard_draft_rerun_and_reanalyse(small_network, tmp_path):
    net = small_network
    net.gi("round", "create", "R1", "--t", "2022-06-30T17:00")

    refused = net.gi("report", "--round", "R1", "--out", str(tmp_path / "x"), check=False)
    assert refused.returncode != 0
    assert "尚未完成采集" in refused.stderr and "--draft" in refused.stderr
    assert not (tmp_path / "x").exists()

    draft = tmp_path / "draft"
    net.gi("report", "--round", "R1", "--out", str(draft), "--draft")
    assert json.loads((draft / "summary.json").read_text(encoding="utf-8"))["draft"] is True
    for xlsx in draft.rglob("*.xlsx"):
        for ws in load_workbook(xlsx).worksheets:
            assert ws.oddHeader.center.text == "草稿", (xlsx, ws.title)
    for html in draft.rglob("*.html"):
        assert "草稿" in html.read_text(encoding="utf-8"), html
    for docx in draft.rglob("*.docx"):
        assert all("草稿" in "".join(p.text for p in s.header.paragraphs)
                   for s in Document(docx).sections), docx

    first = net.run_round("R1", "--accounts-sources", str(net.sources))
    assert "分析完成" in first.stdout
    # new media in the round: the fed account collected, the other named as not inspected
    assert "政务新媒体采集：成功 1 个账号" in first.stdout
    assert f"未检查：示例服务（{UNFED}，今日头条）没有采集地址" in first.stdout
    assert first.stdout.count("未检查：") == 1
    served = requests(net)
    assert served > 0

    again = net.run_round("R1")  # once was a CollectError traceback
    assert "采集已完成，跳过" in again.stdout and "分析已完成，跳过" in again.stdout
    assert "政务新媒体检查已完成，跳过" in again.stdout
    assert requests(net) == served

    final = tmp_path / "final"
    net.gi("report", "--round", "R1", "--out", str(final))
    down_site_is_never_ranked(final)
    summary = json.loads((final / "summary.json").read_text(encoding="utf-8"))
    assert summary["draft"] is False
    review = summary["review"]
    assert review["pending"] >= review["pending_counted"] >= 0
    assert review["sentence"] in (final / "R1-汇总.html").read_text(encoding="utf-8")
    wb = load_workbook(final / "R1-问题清单.xlsx")
    assert wb.worksheets[0].oddFooter.left.text == review["sentence"]
    assert wb.worksheets[0].oddHeader.center.text in (None, "")
    before = {(f["rule"], f["url"]) for f in
              json.loads((final / "findings.json").read_text(encoding="utf-8"))}

    # The office adds a term to its lexicon; re-analysis finds it, without one request.
    (net.workspace / "lexicons").mkdir()
    (net.workspace / "lexicons" / "office.yaml").write_text(LEXICON, encoding="utf-8")
    redo = net.run_round("R1", "--reanalyse")
    assert "采集已完成，跳过" in redo.stdout and "分析完成" in redo.stdout
    assert "政务新媒体分析" in redo.stdout and "政务新媒体采集" not in redo.stdout
    assert requests(net) == served
    net.gi("report", "--round", "R1", "--out", str(final))
    after = json.loads((final / "findings.json").read_text(encoding="utf-8"))
    new = [f for f in after if (f["rule"], f["url"]) not in before]
    assert new and all("工作动态" in f["message"] or "工作动态" in json.dumps(f, ensure_ascii=False)
                       for f in new)
    assert {f["url"].split("/")[-1] for f in new} == {"1.html", "2.html"}


def down_site_is_never_ranked(out) -> None:
    findings = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    down = [f for f in findings if f["site"] == DOWN]
    assert [(f["rule"], f["indicator"], f["item"], f["confidence"]) for f in down] == [
        ("GI-A002", "W-V2", "homepage_failed", "确定")]
    assert "连接被拒绝" in down[0]["message"]
    assert "没有首页可用性监测记录" in down[0]["message"]  # no probes: the round says so
    assert not [f for f in findings if f["rule"] == "GI-A002" and f["site"] in UP]

    summary = {s["code"]: s for s in json.loads(
        (out / "summary.json").read_text(encoding="utf-8"))["sites"]}
    assert summary[DOWN]["score"] is None and summary[DOWN]["passed"] is False
    assert all(summary[c]["score"] is not None for c in UP)

    wb = load_workbook(out / "R1-问题清单.xlsx")
    rows = list(wb["汇总"].iter_rows(min_row=2, values_only=True))
    by_code = {r[1]: r for r in rows}
    assert by_code[DOWN][0] == "—" and by_code[DOWN][-1].startswith("待核实")
    assert sorted(by_code[c][0] for c in UP) == [1, 2]
    assert rows[-1][1] == DOWN  # listed after every ranked site

    html = (out / "R1-汇总.html").read_text(encoding="utf-8")
    assert "待核实" in html

    # The 通报's 附件1 ranking never names it.
    from docx import Document

    doc = Document(next(out.glob("*通报*.docx")))
    ranking = [t for t in doc.tables if t.rows and t.rows[0].cells[0].text.strip() == "排名"]
    assert ranking and all(DOWN not in row.cells[1].text for t in ranking for row in t.rows)
