from openpyxl import load_workbook

from govinspect.core.indicator_sets import load_indicator_set
from govinspect.core.types import Evidence, Finding, SiteKind, SiteRef
from govinspect.indicators.engine import score_site
from govinspect.reports.findings import RoundReport, SiteReport, write_round_reports

PORTAL = SiteRef("3411000001", "示例市人民政府", "http://www.shishi.gov.cn/", SiteKind.PORTAL)
DEPT = SiteRef("3411000002", "示例市教育体育局", "http://jtj.shishi.gov.cn/", SiteKind.DEPARTMENT)


def _finding(site, item, url, parent):
    return Finding("GI-L001", "W-D22", site.code, f"存在不可用链接：{url}",
                   Evidence(url=url, parent_url=parent, context="通知公告"), item=item)


def _report():
    iset = load_indicator_set("national-2019")
    bad = (_finding(DEPT, "homepage", "http://jtj.shishi.gov.cn/404.html", DEPT.homepage),
           _finding(DEPT, "other", "http://dead.example.gov.cn/", "http://jtj.shishi.gov.cn/a.html"))
    sites = (SiteReport(PORTAL, "示例市人民政府办公室", "市直", score_site(PORTAL, [], iset), (), 120),
             SiteReport(DEPT, "示例市教育体育局", "市直", score_site(DEPT, bad, iset), bad, 80))
    return RoundReport("2022Q2", "2022-06-30T17:00+08:00", iset.name, "2022-07-01T09:00", sites)


def test_round_workbook_site_workbooks_and_html(tmp_path):
    files = write_round_reports(_report(), tmp_path)
    assert len(files) == 4 and all(p.exists() for p in files)
    assert not list(tmp_path.rglob("*.part"))

    wb = load_workbook(tmp_path / "2022Q2-问题清单.xlsx")
    summary = list(wb["汇总"].iter_rows(values_only=True))
    assert summary[1][2] == "示例市人民政府" and summary[1][9] == 100
    assert summary[2][2] == "示例市教育体育局" and summary[2][9] == 99.7 and summary[2][7] == 2
    problems = list(wb["问题清单"].iter_rows(values_only=True))
    assert [row[4] for row in problems[1:]] == ["首页", "其他页面"]
    assert problems[2][8] == "http://jtj.shishi.gov.cn/a.html"

    unit = load_workbook(tmp_path / "整改清单" / "3411000002-示例市教育体育局.xlsx")
    assert unit.sheetnames == ["整改清单", "不扣分及待复核", "涉及页面", "说明"]
    assert unit["整改清单"].max_row == 3 and unit["不扣分及待复核"].max_row == 1
    assert (tmp_path / "整改清单" / "3411000001-示例市人民政府.xlsx").exists()

    html = (tmp_path / "2022Q2-汇总.html").read_text(encoding="utf-8")
    assert "示例市教育体育局" in html and "99.70" in html and "http://dead.example.gov.cn/" in html


def test_bonus_findings_are_no_problems(tmp_path):
    """W-B1 (加分) findings feed the score, never a problem list or problem count."""
    from govinspect.reports.findings import split_bonus

    iset = load_indicator_set("national-2019")
    bonus = Finding("GI-B001", "W-B1", PORTAL.code,
                    "数据发布栏目“数据发布”近3个月内有更新（最新 2022-06-15），可加2分",
                    Evidence(url="http://www.shishi.gov.cn/zwgk/sjfb/", context="数据发布"),
                    item="updated_3_months")
    found = (_finding(PORTAL, "homepage", "http://www.shishi.gov.cn/404.html", PORTAL.homepage),
             bonus)
    problems, bonuses = split_bonus(found, iset)
    assert problems == found[:1] and bonuses == (bonus,)
    score = score_site(PORTAL, found, iset)
    assert [b.indicator_id for b in score.bonuses] == ["W-B1"] and score.score > 100
    site = SiteReport(PORTAL, "示例市人民政府办公室", "市直", score, problems, 80, bonuses)
    report = RoundReport("2022Q2", "2022-06-30T17:00+08:00", iset.name, "2022-07-01T09:00",
                         (site,), iset=iset)
    assert report.total_findings == 1
    write_round_reports(report, tmp_path)

    wb = load_workbook(tmp_path / "2022Q2-问题清单.xlsx")
    rows = list(wb["问题清单"].iter_rows(values_only=True))[1:]
    assert [r[3] for r in rows] == ["W-D22"]
    assert list(wb["汇总"].iter_rows(values_only=True))[1][7] == 1  # 问题数
    unit = load_workbook(tmp_path / "整改清单" / "3411000001-示例市人民政府.xlsx")
    rows = list(unit["整改清单"].iter_rows(values_only=True))[1:]
    assert [r[1] for r in rows] == ["可用性：首页存在不可用链接"]
    assert dict(unit["说明"].iter_rows(values_only=True))["问题数"] == 1
    html = (tmp_path / "2022Q2-汇总.html").read_text(encoding="utf-8")
    assert "可加2分" not in html and "W-B1" not in html and "发现问题 <strong>1</strong>" in html
