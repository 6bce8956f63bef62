"""Issue 14 item 1: a site the round could not inspect is never ranked.

A roster of three sites, one of them down (connection refused), no W-V2 probes: the down site
gets a certain GI-A002 finding, its result is 待核实 in every output, and it is ranked in none."""

from __future__ import annotations

import json

import pytest
from network import DOWN, UP
from openpyxl import load_workbook

pytestmark = pytest.mark.slow


def test_down_site_is_a_finding_and_never_ranked(small_network, tmp_path):
    net = small_network
    net.gi("round", "create", "R1", "--t", "2022-06-30T17:00")
    net.run_round("R1")
    out = tmp_path / "reports"
    net.gi("report", "--round", "R1", "--out", str(out))

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
