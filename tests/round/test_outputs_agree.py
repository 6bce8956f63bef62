"""One source of truth (issue 14 item 3): for one round with automatic, manual and new-media
findings, the 通报 (.docx and .html), the 问题清单, every 整改清单, findings.json,
summary.json and the summary page agree on every site's findings and score."""

from __future__ import annotations

import json
import re
from collections import Counter

import pytest
from docx import Document
from network import DOWN, FED, UNFED, UP
from openpyxl import load_workbook

pytestmark = pytest.mark.slow

MANUAL_DEDUCTION = "人工检查：政策解读栏目超过6个月未更新"  # site 1: a deduction entered by hand
MANUAL_VETO = "人工检查：首页发布的领导姓名错误"  # site 2: a veto entered by hand


def _cells(ws) -> list[tuple]:
    return list(ws.iter_rows(min_row=2, values_only=True))


def test_every_output_agrees(small_network, tmp_path):
    net = small_network
    net.gi("round", "create", "R1", "--t", "2022-06-30T17:00")
    net.run_round("R1", "--accounts-sources", str(net.sources))
    net.gi("review", "finding", UP[0], "W-D6", "--round", "R1", "--item", "stale",
           "--message", MANUAL_DEDUCTION, "--url", net.homepage(UP[0]) + "zcjd/",
           "--points", "4")
    net.gi("review", "finding", UP[1], "W-V1", "--round", "R1", "--item", "serious_error",
           "--message", MANUAL_VETO, "--url", net.homepage(UP[1]))
    # new media: the unfed account last posted long ago (NM-V2), its interaction is broken
    net.gi("review", "account", UNFED, "--round", "R1", "--last-post", "2021-12-01 10:00",
           "--interaction", "否", "--notes", "留言入口无法打开")
    out = tmp_path / "out"
    net.gi("report", "--round", "R1", "--out", str(out))

    summary = {s["code"]: s for s in
               json.loads((out / "summary.json").read_text(encoding="utf-8"))["sites"]}
    findings = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    codes = (*UP, DOWN)

    # manual, automatic and new-media findings are all in findings.json
    manual = Counter(f["indicator"] for f in findings if f["rule"] == "GI-M001")
    assert manual["W-D6"] == 1 and manual["W-V1"] == 1
    assert any(f["rule"].startswith("GI-") and f["site"] in UP for f in findings)
    account_rows = [f for f in findings if f.get("subject_kind") == "account"]
    assert {f["indicator"] for f in account_rows if f["site"] == UNFED} >= {"NM-V2", "NM-V3"}
    assert FED not in {f["site"] for f in account_rows if f["indicator"] == "NM-V2"}

    per_site = Counter(f["site"] for f in findings if f.get("subject_kind") != "account")
    assert {c: summary[c]["findings"] for c in codes} == {c: per_site[c] for c in codes}

    # the scores: site 1 lost 4 points by hand (the entered points, not the set's 5), site 2 is vetoed, the down site 待核实
    assert summary[UP[0]]["score"] is not None and summary[UP[0]]["score"] <= 96
    assert summary[UP[1]]["score"] is None and summary[UP[1]]["result"] == "不合格"
    assert summary[DOWN]["result"] == "待核实"

    # 问题清单: the same scores and counts, the same rows
    wb = load_workbook(out / "R1-问题清单.xlsx")
    overview = {r[1]: r for r in _cells(wb["汇总"])}
    for code in codes:
        assert overview[code][7] == summary[code]["findings"], code
        assert overview[code][9] == summary[code]["score"], code
    listed = Counter(r[0] for r in _cells(wb["问题清单"]))
    assert {c: listed[c] for c in codes} == {c: per_site[c] for c in codes}
    assert any(r[6] == MANUAL_DEDUCTION for r in _cells(wb["问题清单"]))
    assert overview[UP[1]][10].startswith("不合格（单项否决 W-V1")

    # every 整改清单: its score and problems, the manual ones included
    for code in codes:
        path = next((out / "整改清单").glob(f"{code}-*.xlsx"))
        unit = load_workbook(path)
        info = dict(_cells(unit["说明"]))
        assert info["问题数"] == summary[code]["findings"], code
        expected = (f"{summary[code]['score']:.2f}" if summary[code]["score"] is not None
                    else summary[code]["result"])
        assert info["得分"] == expected, code
        rows = _cells(unit["整改清单"]) + _cells(unit["不扣分及待复核"])
        pages = sum(r[6] for r in rows)
        assert pages <= summary[code]["findings"] and (rows or not summary[code]["findings"])
    one = load_workbook(next((out / "整改清单").glob(f"{UP[0]}-*.xlsx")))
    manual = [r for r in _cells(one["整改清单"]) if r[2] == MANUAL_DEDUCTION]
    assert manual and manual[0][9] == "-4.00"
    two = load_workbook(next((out / "整改清单").glob(f"{UP[1]}-*.xlsx")))
    assert [r[9] for r in _cells(two["整改清单"]) if r[2] == MANUAL_VETO] == ["单项否决"]

    # the summary page: the same scores and counts
    html = (out / "R1-汇总.html").read_text(encoding="utf-8")
    for code in codes:
        row = re.search(rf"<td>{code}</td>.*?</tr>", html, re.S).group(0)
        cells = re.findall(r'<td class="num">([^<]*)</td>', row)
        assert cells[-2] == str(summary[code]["findings"]), code
        score = summary[code]["score"]
        assert cells[-1] == (f"{score:.2f}" if score is not None else "—"), code
    assert MANUAL_DEDUCTION in html

    # the 通报 (.docx and .html): the same ranking and scores, the veto and the account
    doc = Document(next(out.glob("*通报.docx")))
    tables = {t.rows[0].cells[0].text.strip() + t.rows[0].cells[1].text.strip(): t
              for t in doc.tables if t.rows}
    ranking = {row.cells[1].text.strip(): row.cells[3].text.strip()
               for row in tables["排名网站标识码"].rows[1:]}
    assert ranking == {UP[0]: f"{summary[UP[0]]['score']:.2f}"}
    failed = [row.cells[2].text.strip() for row in tables["序号网站名称"].rows[1:]]
    assert failed == [UP[1]]
    notice_html = next(out.glob("*通报.html")).read_text(encoding="utf-8")
    assert f"{summary[UP[0]]['score']:.2f}" in notice_html and DOWN not in notice_html
    body = "\n".join(p.text for p in doc.paragraphs)
    assert "示例服务" in body  # the stale account is vetoed (NM-V2) in the 通报's text
    assert "1家不合格" in body
