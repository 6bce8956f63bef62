"""`write_round_notice`: a round in the database → the 通报 (.docx / .xlsx / .html).

The scenario (review_scenario.py, set chuzhou-2022, t = 2022-06-30 18:00):
* 市审计局: manual W-V1 ⇒ vetoed; 1 of 5 sites fails ⇒ 合格率 80.00%;
* 市发展改革委 (部门, base 70): certain W-D22 homepage 0.2 (pending) counts, a suspected
  pending one and a dismissed one do not; manual W-D16 7; manual W-D19 with points 2
  ⇒ 70 − 9.2 = 60.8 ⇒ 86.86, enters the bonus stage with the two portals (100.00) ⇒ 3/5 = 60.00%;
* inquiries (denominator 5 sites): 市政府 asked Fri 24 Jun 15:30, answered Mon 27 Jun ⇒ 1
  working day; 信用滁州 answered the same day ⇒ 0; 南谯区 asked Thu 23 Jun, answered Wed
  29 Jun ⇒ 4; 发改委 answered but not effectively ⇒ never ⇒ 2 (40.00%), 1 (20.00%), 1 later;
* accounts: 滁州治安在线 last posted 20 Jun 17:12 (10 days before t), 云上南谯 29 Jun,
  滁州交警's interaction function does not work (NM-V3).
"""

from __future__ import annotations

import datetime as dt

import pytest
from click.testing import CliRunner
from docx import Document
from openpyxl import load_workbook
from review_scenario import CST, T, auto_finding, make_roster, make_round

from govinspect.cli import main
from govinspect.core.types import Confidence
from govinspect.web.rounds.notice import (
    ordered_regions,
    score_db_round,
    short_name,
    write_round_notice,
)

pytestmark = pytest.mark.django_db

INQUIRY_SENTENCE = (
    "通过模拟网民进行简单常见问题咨询，本季度共有2家网站能够在1个工作日内作出有效答复，占比40.00%，"
    "较上个季度提高1.84个百分点；1家网站在5个工作日内作出有效答复，占比20.00%，与上个季度持平；"
    "1家网站回复时间超过5个工作日或未回复。")


@pytest.fixture
def city(settings):
    settings.GOVINSPECT_CITY = "滁州市"
    settings.GOVINSPECT_ISSUER = "滁州市人民政府办公室"


def when(day, hour=10, minute=0):
    return dt.datetime(2022, 6, day, hour, minute, tzinfo=CST)


@pytest.fixture
def scenario(city):
    from govinspect.web.review.models import AccountCheck, Inquiry, ManualFinding
    from govinspect.web.review.services import set_previous_figures

    sites, accounts = make_roster()
    r = make_round(sites=sites)
    fgw, audit = sites["3411000039"], sites["3411000009"]
    auto_finding(r, fgw, "homepage", "http://s3411000039.example.gov.cn/dead1")
    auto_finding(r, fgw, "other", "http://s3411000039.example.gov.cn/dead2",
                 confidence=Confidence.SUSPECTED)
    auto_finding(r, fgw, "other", "http://s3411000039.example.gov.cn/dead3", state="已排除",
                 reason="链接实际可用")
    for indicator, item, points, site in (("W-D16", "cannot_submit", None, fgw),
                                          ("W-D19", "no_reply", 2, fgw),
                                          ("W-V1", "serious_error", None, audit)):
        ManualFinding.objects.create(round=r, site=site, indicator_id=indicator, item=item,
                                     points=points, message=f"{indicator} 人工检查",
                                     fingerprint=f"{indicator}-{site.code}")
    for code, asked, answered, effective in (
            ("3411000036", when(24, 15, 30), when(27, 9, 40), True),
            ("3411000067", when(23), when(23, 16), True),
            ("3411030026", when(23), when(29, 11), True),
            ("3411000039", when(23), when(24), False)):
        Inquiry.objects.create(round=r, site=sites[code], asked_at=asked, answered_at=answered,
                               effective=effective)
    AccountCheck.objects.create(round=r, account=accounts["341100M007XL0002"],
                                last_post_at=when(20, 17, 12), interaction_ok=True)
    AccountCheck.objects.create(round=r, account=accounts["341103M001WX0001"],
                                last_post_at=when(29))
    AccountCheck.objects.create(round=r, account=accounts["341100M902XX0003"],
                                last_post_at=when(30), interaction_ok=False)
    set_previous_figures(r, {"inquiry_within_1_rate": "38.16", "inquiry_within_5_rate": "20.00"})
    return r


def test_short_names_and_region_order():
    assert short_name("滁州市人民政府", "门户", "市直", "滁州市") == "市政府"
    assert short_name("滁州市南谯区人民政府", "门户", "南谯区", "滁州市") == "南谯区"
    assert short_name("滁州市财政局（市政府国有资产监督管理委员会）", "部门", "市直", "滁州市") \
        == "市财政局"
    assert short_name("滁州市审计局网站", "部门", "市直", "滁州市") == "市审计局"
    assert short_name("滁州市南谯区教育局", "部门", "南谯区", "滁州市") == "南谯区教育局"
    assert short_name("信用滁州", "专项", "市直", "滁州市") == "信用滁州"
    assert short_name("示例市统计局", "部门", "市直", "示例市") == "市统计局"
    assert ordered_regions([("3411810001", "天长市"), ("3411030026", "南谯区"),
                            ("3411000036", "市直")], ["南谯区", "来安县"]) \
        == ["市直", "南谯区", "天长市", "来安县"]


def test_round_is_scored_from_confirmed_and_manual_findings(scenario):
    summary = score_db_round(scenario)
    by_code = {r.entry.site.code: r for r in summary.sites}
    fgw = by_code["3411000039"].score
    assert (fgw.base, str(fgw.final)) == (70, "86.86")
    assert {d.indicator_id: d.applied for d in fgw.deductions} == \
        {"W-D16": 7.0, "W-D19": 2.0, "W-D22": 0.2}
    assert [v.indicator_id for v in by_code["3411000009"].score.vetoes] == ["W-V1"]
    assert by_code["3411000067"].score.veto_only
    assert (str(summary.site_pass_rate), len(summary.entered_bonus)) == ("80.00", 3)
    assert summary.inquiries.counts == (2, 1, 1)
    assert [e.short_name for e in (r.entry for r in summary.sites)] == \
        ["市政府", "南谯区", "市审计局", "市发展和改革委员会", "信用滁州"]


@pytest.mark.parametrize(("indicator_set", "stale"), [
    ("chuzhou-2022", {"341100M007XL0002"}),  # 10 days > one week
    ("national-2019", set()),  # 10 days < two weeks
])
def test_nm_v2_uses_the_sets_window(scenario, indicator_set, stale):
    scenario.indicator_set = indicator_set
    scenario.save()
    summary = score_db_round(scenario)
    vetoed = {a.entry.code: {v.indicator_id for v in a.score.vetoes}
              for a in summary.accounts_failed}
    assert {code for code, ids in vetoed.items() if "NM-V2" in ids} == stale
    assert vetoed["341100M902XX0003"] == {"NM-V3"}  # interaction not working
    assert "341103M001WX0001" not in vetoed


def test_write_round_notice_writes_the_three_files(scenario, tmp_path):
    paths = write_round_notice(scenario, tmp_path / "out", issued_on=dt.date(2022, 7, 27))
    assert [p.name for p in paths] == ["2022Q2-通报.docx", "2022Q2-附件.xlsx", "2022Q2-通报.html"]
    assert all(p.is_file() for p in paths)
    assert not list((tmp_path / "out").glob("*.part"))

    text = "\n".join(p.text for p in Document(str(paths[0])).paragraphs)
    assert text.strip().startswith("滁州市人民政府办公室关于2022年第二季度全市政府网站")
    assert "2022年6月23日至6月30日" in text
    assert ("按照相关检查指标，对我市5家政府网站进行全面检查，发现1家不合格，总体合格率为80.00%；"
            "有3家进入加分指标评分环节，占比60.00%。") in text
    assert INQUIRY_SENTENCE in text
    assert "本次对我市3个政务新媒体进行全面检查，其中，市直部门2个、南谯区1个。" in text
    assert "市审计局政府网站存在严重表述错误" in text
    assert "“滁州治安在线”新浪微博超过一周未更新" in text
    assert "整改情况于2022年8月10日前报送" in text

    wb = load_workbook(paths[1])
    ranking = [[c.value for c in row] for row in wb["附件1"].iter_rows(min_row=3, max_row=4)]
    assert ranking == [[1, "3411000039", "滁州市发展和改革委员会（市粮食和物资储备局）", 86.86],
                       [2, "3411000067", "信用滁州", "合格"]]
    failed = [[c.value for c in row] for row in wb["附件2"].iter_rows(min_row=3)
              if isinstance(row[0].value, int)]
    assert [row[2] for row in failed] == ["3411000009"]
    html = paths[2].read_text(encoding="utf-8")
    assert "总体合格率为80.00%" in html and "<script" not in html


def test_previous_round_in_the_database_gives_the_change(scenario):
    from govinspect.web.review.models import Inquiry, PreviousFigure

    PreviousFigure.objects.all().delete()
    earlier = make_round("2022Q1", T - dt.timedelta(days=91), sites={
        s.code: s for s in scenario.sites.all()})
    site = scenario.sites.get(code="3411000036")
    Inquiry.objects.create(round=earlier, site=site, asked_at=when(1).replace(month=3),
                           answered_at=when(2).replace(month=3))
    summary = score_db_round(scenario)
    # 2022Q1: 1 of 5 sites within 1 working day = 20.00% ⇒ +20.00; the 5-day band 0.00 ⇒ +20.00
    assert str(summary.changes["inquiry_within_1_rate"]) == "20.00"
    assert str(summary.changes["inquiry_within_5_rate"]) == "20.00"
    PreviousFigure.objects.create(round=scenario, metric="inquiry_within_1_rate", value="40.00")
    assert score_db_round(scenario).changes["inquiry_within_1_rate"] == 0


@pytest.fixture
def ran(scenario):
    """The scenario's findings stand for a finished round: its stages are recorded as done
    (`report` refuses a round that was not collected and analysed)."""
    import shutil

    from govinspect.web.rounds import stages
    from govinspect.web.rounds.models import Round

    round_ = Round.objects.get(name="2022Q2")
    folder = stages.round_dir(round_)
    (folder / "collect").mkdir(parents=True, exist_ok=True)
    (folder / "collect" / "summary.json").write_text("{}", encoding="utf-8")
    stages.mark(round_, stages.COLLECT, stages.DONE)
    stages.mark(round_, stages.ANALYSIS, stages.DONE)
    yield scenario
    shutil.rmtree(folder, ignore_errors=True)


def test_report_command_writes_findings_reports_and_the_notice(ran, tmp_path):
    out = tmp_path / "reports"
    result = CliRunner().invoke(main, ["report", "--round", "2022Q2", "--out", str(out)])
    assert result.exit_code == 0, result.output
    for name in ("2022Q2-通报.docx", "2022Q2-附件.xlsx", "2022Q2-通报.html"):
        assert (out / name).is_file() and f"已生成 {out / name}" in result.output
    other = tmp_path / "only-findings"
    result = CliRunner().invoke(main, ["report", "--round", "2022Q2", "--out", str(other),
                                       "--no-notice"])
    assert result.exit_code == 0, result.output
    assert not list(other.glob("*通报*"))
