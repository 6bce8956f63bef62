"""The 整改清单 a department can act on (issue 14 item 6): Chinese item names; per row where
(URL, page title), what, evidence (capture and a context excerpt), points, the rule's fix
advice, deadline and status; repeated per-page findings in one row with their pages;
deducting rows first, rows that deduct nothing (抽查范围外, 待复核) in their own sheet; the
workbook opens in LibreOffice."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from openpyxl import load_workbook

from govinspect.core.indicator_sets import load_indicator_set
from govinspect.core.types import Confidence, Evidence, Finding, SiteKind, SiteRef
from govinspect.indicators.engine import score_site
from govinspect.reports.findings import (
    PageRef,
    RoundReport,
    SiteReport,
    rectification_rows,
    write_round_reports,
)
from govinspect.reports.rectification import fix_advice
from govinspect.rules.base import REGISTRY, all_rules

DEPT = SiteRef("3411000002", "示例市教育体育局", "http://jtj.shishi.gov.cn/", SiteKind.DEPARTMENT)
HOME = DEPT.homepage


def _findings():
    missing = [Finding("GI-W003", "W-D23", DEPT.code, "页面底部未设置“我为政府网站找错”入口",
                       Evidence(url=f"{HOME}xw/{i}.html", context="版权所有 示例市教育体育局"),
                       item="other_missing") for i in range(6)]
    broken = Finding("GI-L001", "W-D22", DEPT.code, "首页存在不可用链接：/404.html",
                     Evidence(url=f"{HOME}404.html", parent_url=HOME, context="通知公告 " * 60),
                     item="homepage")
    outside = Finding("GI-D005", "W-D7", DEPT.code, "政策文件未解读：关于印发某某办法的通知",
                      Evidence(url=f"{HOME}zc/1.html"), item="outside_sample")
    suspected = Finding("GI-T001", "W-D1", DEPT.code, "疑似错别字：“工作动向”",
                        Evidence(url=f"{HOME}xw/9.html", context="本站发布的工作动向"),
                        confidence=Confidence.SUSPECTED)
    return missing, broken, outside, suspected


def _report():
    iset = load_indicator_set("national-2019")
    missing, broken, outside, suspected = _findings()
    counted = [*missing, broken, outside]
    score = score_site(DEPT, counted, iset)
    listed = (*counted, suspected)
    refs = {HOME: PageRef("示例市教育体育局 首页", "R1-00001.warc.gz#1234", "2022-06-30 10:00"),
            f"{HOME}xw/0.html": PageRef("新闻0", "R1-00001.warc.gz#5678", "2022-06-30 10:01")}
    site = SiteReport(DEPT, "示例市教育体育局", "市直", score, listed, 12,
                      review={suspected.fingerprint: "待复核"},
                      counted=frozenset(f.fingerprint for f in counted), page_refs=refs)
    return RoundReport("2022Q2", "2022-06-30T17:00+08:00", iset.name, "2022-07-01T09:00",
                       (site,), iset=iset, deadline="2022年8月10日")


def test_rows_grouped_with_points_advice_and_status():
    all_rules()
    report = _report()
    rows = rectification_rows(report.sites[0], report.iset)
    assert [(r.deducts, r.points) for r in rows] == [
        (True, "-1.00"), (True, "-0.20"), (False, "—"), (False, "0")]
    missing = rows[0]
    assert len(missing.group.pages) == 6 and missing.status.startswith("待整改")
    assert "已达扣分上限 1 分" in missing.status  # 6 × 0.2, capped at 1
    assert missing.advice == REGISTRY["GI-W003"].fix
    assert rows[3].status.startswith("不扣分") and "抽查范围外" in rows[3].title
    assert rows[2].status.startswith("待复核")
    assert fix_advice("GI-M001", report.iset, "W-D22").startswith("对照《")


def test_site_workbook_sheets_and_columns(tmp_path):
    all_rules()
    write_round_reports(_report(), tmp_path)
    path = tmp_path / "整改清单" / "3411000002-示例市教育体育局.xlsx"
    wb = load_workbook(path)
    assert wb.sheetnames == ["整改清单", "不扣分及待复核", "涉及页面", "说明"]
    header, *rows = list(wb["整改清单"].iter_rows(values_only=True))
    assert header[:13] == ("序号", "问题", "问题描述", "问题网址", "页面标题", "所在页面",
                           "涉及页面数", "证据（网页快照）", "上下文摘录", "扣分", "整改建议",
                           "整改期限", "状态")
    col = {name: i for i, name in enumerate(header)}
    assert len(rows) == 2
    grouped, broken = rows
    assert grouped[col["问题"]].startswith("“我为政府网站找错”入口") and "其他页面" in grouped[col["问题"]]
    assert "等 6 个页面" in grouped[col["问题网址"]] and grouped[col["涉及页面数"]] == 6
    assert grouped[col["页面标题"]] == "新闻0"
    assert grouped[col["证据（网页快照）"]].startswith("R1-00001.warc.gz#5678")
    assert grouped[col["扣分"]] == "-1.00" and grouped[col["整改期限"]] == "2022年8月10日"
    # a broken link's target was never archived: the page with the link is the evidence
    assert broken[col["页面标题"]] == "示例市教育体育局 首页"
    assert broken[col["证据（网页快照）"]].startswith("R1-00001.warc.gz#1234")
    assert broken[col["所在页面"]] == HOME
    assert broken[col["上下文摘录"]].endswith("…") and len(broken[col["上下文摘录"]]) <= 201
    assert broken[col["整改建议"]] == REGISTRY["GI-L001"].fix
    other = list(wb["不扣分及待复核"].iter_rows(values_only=True))[1:]
    assert [r[col["扣分"]] for r in other] == ["—", "0"]
    pages = list(wb["涉及页面"].iter_rows(values_only=True))[1:]
    assert len(pages) == 6 and {p[0] for p in pages} == {grouped[col["问题编号"]]}
    # no internal item codes anywhere a department reads
    text = " ".join(str(c) for ws in wb.worksheets for r in ws.iter_rows(values_only=True)
                    for c in r if c is not None)
    for code in ("outside_sample", "other_missing", "homepage", "not_interpreted"):
        assert code not in text
    info = dict(wb["说明"].iter_rows(values_only=True))
    assert info["扣分问题"] == 2 and info["不扣分及待复核问题"] == 2
    assert info["整改期限"] == "2022年8月10日"


def test_every_rule_has_advice():
    for rule in all_rules():
        assert fix_advice(rule.id) == rule.fix


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice is not installed")
def test_workbook_opens_in_libreoffice(tmp_path):
    write_round_reports(_report(), tmp_path / "out")
    path = tmp_path / "out" / "整改清单" / "3411000002-示例市教育体育局.xlsx"
    profile = tmp_path / "lo-profile"
    run = subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless",
                          "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76", "--outdir", str(tmp_path), str(path)],
                         capture_output=True, text=True, timeout=300)
    csv = tmp_path / "3411000002-示例市教育体育局.csv"
    assert run.returncode == 0 and csv.exists(), run.stdout + run.stderr
    text = csv.read_text(encoding="utf-8", errors="replace")
    assert "“我为政府网站找错”入口" in text and "-1.00" in text


def test_titles_never_show_codes():
    from govinspect.reports.rectification import item_title

    all_rules()
    iset = load_indicator_set("national-2019")
    # a finding listed for review only (no scored indicator): the rule's title
    assert item_title(iset, "REVIEW", "", "GI-T001") == REGISTRY["GI-T001"].title
    assert item_title(iset, "W-D23", "other_missing").endswith("（其他页面）")


def test_page_titles_of_gbk_pages_are_decoded():
    from govinspect.web.rounds.outputs import _decode

    raw = "示例市教育体育局".encode("gbk")
    assert _decode(raw, "text/html; charset=gbk", b"") == "示例市教育体育局"
    assert _decode(raw, "text/html", b'<meta charset="GBK">') == "示例市教育体育局"
    assert _decode(raw, "", b"") == "示例市教育体育局"  # GB18030 by default
    assert _decode("标题".encode(), "text/html; charset=gbk", b"") == "标题"
