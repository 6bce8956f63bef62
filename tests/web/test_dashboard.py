"""The round dashboard shows the 通报's own figures and tables (one computation), charts
rendered on the server, and the 通报's downloads for the office."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from workspace_scenario import PASSWORD, build

from govinspect.core.indicator_sets import load_indicator_set
from govinspect.reports.notice import build_notice, notice_context
from govinspect.web.accounts.scope import Scope
from govinspect.web.rounds.notice import notice_meta, score_db_round
from govinspect.web.workspace import charts
from govinspect.web.workspace.dashboard import RANKING_COLUMNS, build_dashboard

pytestmark = pytest.mark.django_db


def test_figures_and_tables_are_the_notices():
    w = build()
    cur = w.rounds["cur"]
    dash = build_dashboard(cur, Scope.for_user(w.users["office"]))
    iset = load_indicator_set(cur.indicator_set)
    summary = score_db_round(cur)
    context = notice_context(summary, iset, notice_meta(cur))
    shown = {f.label: f for f in dash.figures}
    assert shown["网站合格率"].value == context["site_pass_rate"] == "66.67%"
    assert shown["进入加分环节占比"].value == context["entered_bonus_rate"]
    # the previous round (2022Q1) had every site passing: the change is stated as the 通报 does
    assert shown["网站合格率"].change == "较上一轮下降33.33个百分点"
    notice = build_notice(summary, iset, notice_meta(cur))
    table = next(t for t in notice.attachments if tuple(t.header) == RANKING_COLUMNS)
    assert [tuple(r) for r in dash.ranking] == [tuple(r) for r in table.rows]
    assert [r[2] for r in dash.failed] == ["3400000202"]  # vetoed: the confirmed W-V1
    assert dash.failed[0][4:] == ("不合格", "严重表述错误")  # the veto's reason
    assert "<svg" in dash.histogram and "<script" not in dash.histogram
    assert "甲市审计局" in dash.changes


def test_a_unit_gets_the_round_figures_and_its_own_rows_only():
    w = build()
    dash = build_dashboard(w.rounds["cur"], Scope.for_user(w.users["A"]))
    assert [r[1] for r in dash.ranking] == [w.sites["A"].code]
    assert dash.failed == [] and "乙市统计局" not in dash.changes
    assert {f.label for f in dash.figures} >= {"网站合格率", "进入加分环节占比"}


def test_charts_escape_and_count():
    from decimal import Decimal as D

    assert charts.band_counts([D(59), D(60), D("99.99"), D(100), D(105)]) == [
        ("<60", 1), ("60–70", 1), ("70–80", 0), ("80–90", 0), ("90–100", 1), ("≥100", 2)]
    svg = charts.change_bars([charts.Change("<b>局</b>", D(90), D("92.5"))], title="t")
    assert "&lt;b&gt;" in svg and "+2.5" in svg


def test_office_downloads_the_notice(client):
    from docx import Document
    from openpyxl import load_workbook

    w = build()
    cur = w.rounds["cur"]
    client.login(username=w.users["office"].username, password=PASSWORD)
    docx = client.get(reverse("workspace:download", args=[cur.pk, "notice-docx"]))
    assert docx.status_code == 200 and "attachment" in docx["Content-Disposition"]
    text = "\n".join(p.text for p in Document(io.BytesIO(docx.content)).paragraphs)
    assert "66.67%" in text
    xlsx = client.get(reverse("workspace:download", args=[cur.pk, "notice-xlsx"]))
    cells = [c for ws in load_workbook(io.BytesIO(xlsx.content)).worksheets
             for row in ws.iter_rows(values_only=True) for c in row if c]
    assert "甲市审计局网站" in cells
    page = client.get(reverse("workspace:round", args=[cur.pk]))
    assert page.status_code == 200 and "Content-Security-Policy" in page
    assert b"<script" not in page.content  # no script at all, let alone from a CDN
