"""Manual checks into the database: template, import, re-import, export, command line."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import openpyxl
import pytest
from click.testing import CliRunner
from review_scenario import CST, make_roster, make_round

from govinspect.cli import main
from govinspect.indicators.manual_io import FINDING_COLUMNS, INQUIRY_COLUMNS
from govinspect.web.review.services import (
    ReviewImportError,
    import_review,
    write_review_template,
)

pytestmark = pytest.mark.django_db

INQUIRY_HEADER = [c.header for c in INQUIRY_COLUMNS]
FINDING_HEADER = [c.header for c in FINDING_COLUMNS]
ACCOUNT_HEADER = ["账号标识码", "最后发布时间", "互动功能是否可用", "菜单及最后更新时间", "备注"]


@pytest.fixture
def round_():
    sites, _ = make_roster()
    return make_round(sites=sites)


def write_xlsx(path, sheets):
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    wb.save(path)
    return path


def counts():
    from govinspect.web.review.models import AccountCheck, Inquiry, ManualFinding

    return Inquiry.objects.count(), ManualFinding.objects.count(), AccountCheck.objects.count()


GOOD = {
    "模拟咨询": [INQUIRY_HEADER,
                 ["3411000036", "居住证如何办理？", dt.datetime(2022, 6, 24, 15, 30),
                  dt.datetime(2022, 6, 27, 9, 40), "是", ""],
                 ["3411000039", "粮食补贴何时发放？", "2022-06-23 10:00", None, None, "未答复"]],
    "人工检查问题": [FINDING_HEADER,
                     ["3411000039", "W-D16", "", "互动栏目无法提交留言", "", None],
                     ["3411000039", "W-D19", "模拟咨询未在5个工作日内答复", "咨询未答复",
                      "http://s3411000039.example.gov.cn/hdjl/1", 2]],
    "政务新媒体检查": [ACCOUNT_HEADER,
                       ["341100M007XL0002", "2022-06-20 17:12", "是", "办事服务 2022-06-01", ""],
                       ["341100M902XX0003", None, "否", "", "留言无入口"]],
}


def test_import_then_reimport_is_idempotent(round_, tmp_path):
    from govinspect.web.review.models import AccountCheck, Inquiry, ManualFinding

    path = write_xlsx(tmp_path / "人工检查.xlsx", GOOD)
    report = import_review(path, round_, entered_by="张三")
    assert [c.created for c in (report.inquiries, report.findings, report.accounts)] == [2, 2, 2]
    assert counts() == (2, 2, 2)
    q = Inquiry.objects.get(site__code="3411000036")
    assert q.asked_at == dt.datetime(2022, 6, 24, 15, 30, tzinfo=CST) and q.effective
    unanswered = Inquiry.objects.get(site__code="3411000039")
    assert unanswered.answered_at is None and not unanswered.effective
    wd19 = ManualFinding.objects.get(indicator_id="W-D19")
    assert (wd19.item, wd19.points, wd19.entered_by) == ("no_reply", Decimal("2.00"), "张三")
    assert ManualFinding.objects.get(indicator_id="W-D16").item == "cannot_submit"
    check = AccountCheck.objects.get(account__code="341100M007XL0002")
    assert check.last_post_at == dt.datetime(2022, 6, 20, 17, 12, tzinfo=CST)
    assert check.menus == [{"menu": "办事服务", "last_updated": "2022-06-01T00:00:00+08:00"}]
    assert AccountCheck.objects.get(account__code="341100M902XX0003").interaction_ok is False

    again = import_review(path, round_)
    assert str(again) == "模拟咨询：新增 0、更新 0、未变 2；人工检查问题：新增 0、更新 0、未变 2；" \
                         "政务新媒体检查：新增 0、更新 0、未变 2"
    assert counts() == (2, 2, 2)

    changed = {k: [list(r) for r in v] for k, v in GOOD.items()}
    changed["模拟咨询"][2][3] = "2022-07-01 09:00"  # the answer came after all
    changed["模拟咨询"][2][4] = "是"
    report = import_review(write_xlsx(tmp_path / "改.xlsx", changed), round_)
    assert (report.inquiries.updated, report.inquiries.unchanged) == (1, 1)
    assert Inquiry.objects.get(site__code="3411000039").effective


def test_template_round_trip(round_, tmp_path):
    from govinspect.web.roster.models import Site

    # The blank template's example rows name 3411000001: make it a site of the round.
    Site.objects.filter(code="3411000009").update(code="3411000001")
    template = write_review_template(tmp_path)
    assert template.name == "人工检查导入模板.xlsx"
    wb = openpyxl.load_workbook(template)
    assert wb.sheetnames == ["模拟咨询", "人工检查问题", "政务新媒体检查", "说明", "指标与扣分项"]
    assert [c.value for c in wb["人工检查问题"][1]] == FINDING_HEADER
    listed = {(r[0], r[4]) for r in wb["指标与扣分项"].iter_rows(min_row=2, values_only=True)}
    assert ("W-D19", "no_reply") in listed and ("NM-V2", "stale") in listed
    report = import_review(template, round_)
    assert [c.created for c in (report.inquiries, report.findings, report.accounts)] == [1, 1, 1]

    import_review(write_xlsx(tmp_path / "more.xlsx", GOOD), round_)
    exported = write_review_template(tmp_path / "导出.xlsx", round_=round_)
    again = import_review(exported, round_)
    # template example + GOOD: 3 inquiries, 3 findings, 2 accounts (GOOD updates the example's)
    assert (again.inquiries.unchanged, again.findings.unchanged, again.accounts.unchanged) \
        == (3, 3, 2)
    assert again.inquiries.created + again.inquiries.updated + again.findings.created \
        + again.findings.updated + again.accounts.created + again.accounts.updated == 0


def test_bad_rows_import_nothing_and_name_every_problem(round_, tmp_path):
    bad = {
        "模拟咨询": [INQUIRY_HEADER,
                     ["3411000036", "", "2022-06-24 15:30", "2022-06-27 09:40", "是", ""],
                     ["3411000099", "", "2022-06-24 15:30", None, None, ""],
                     ["3411000036", "", "2022-13-01 10:00", None, None, ""]],
        "人工检查问题": [FINDING_HEADER,
                         ["3411000039", "W-D19", "", "咨询未答复", "", None],
                         ["341100M999XX9999", "NM-V3", "", "无互动功能", "", None]],
        "政务新媒体检查": [ACCOUNT_HEADER,
                           ["341100M007XL0002", "2022-06-20", "坏了", "", ""],
                           ["341100M007XL0002", "2022-06-21", "", "", ""],
                           ["341100M902XX0003", "上周", "", "", ""]],
    }
    with pytest.raises(ReviewImportError) as err:
        import_review(write_xlsx(tmp_path / "bad.xlsx", bad), round_)
    assert err.value.problems == [
        "模拟咨询 第4行“提问时间”：“2022-13-01 10:00”不是有效的时间，应写作 2022-06-24 15:30",
        "人工检查问题 第2行“扣分项”：不能为空：应为 no_reply（模拟咨询未在5个工作日内答复）、"
        "poor_reply（答复推诿敷衍）、low_quality（答复引导网民通过商业媒体查阅政府信息） 之一",
        "政务新媒体检查 第2行“互动功能是否可用”：“坏了”无效，应填“是”或“否”，未检查留空",
        "政务新媒体检查 第3行：与政务新媒体检查 第2行重复（同一账号只能填写一行）",
        "政务新媒体检查 第4行“最后发布时间”：“上周”不是有效的时间，应写作 2022-06-24 15:30",
        "模拟咨询 第3行“网站标识码”：名录中没有网站“3411000099”",
        "人工检查问题 第3行“网站标识码或账号标识码”：名录中没有账号“341100M999XX9999”",
    ]
    assert counts() == (0, 0, 0)


def test_site_outside_the_round_and_unreadable_files(round_, tmp_path):
    from govinspect.web.roster.models import Site

    round_.sites.remove(Site.objects.get(code="3411000009"))
    path = write_xlsx(tmp_path / "a.xlsx", {"模拟咨询": [
        INQUIRY_HEADER, ["3411000009", "", "2022-06-24 15:30", None, None, ""]]})
    with pytest.raises(ReviewImportError) as err:
        import_review(path, round_)
    assert err.value.problems == [
        "模拟咨询 第2行“网站标识码”：网站“3411000009”不是本轮（2022Q2）检查的网站"]
    fake = tmp_path / "假.xlsx"
    fake.write_text("not a workbook", encoding="utf-8")
    with pytest.raises(ReviewImportError) as err:
        import_review(fake, round_)
    assert err.value.problems[0].startswith("假.xlsx：无法作为 Excel (.xlsx) 文件读取")
    notes = write_xlsx(tmp_path / "notes.xlsx", {"Sheet1": [["说明"], ["无"]]})
    with pytest.raises(ReviewImportError) as err:
        import_review(notes, round_)
    assert err.value.problems == [
        "notes.xlsx：没有找到“模拟咨询”“人工检查问题”或“政务新媒体检查”工作表"]
    assert counts() == (0, 0, 0)


def test_cli_template_import_and_single_entries(round_, tmp_path):
    from govinspect.web.review.models import Inquiry, ManualFinding, PreviousFigure

    runner = CliRunner()
    out = tmp_path / "模板.xlsx"
    result = runner.invoke(main, ["review", "template", str(out), "--set", "chuzhou-2022"])
    assert result.exit_code == 0, result.output
    assert out.is_file()
    path = write_xlsx(tmp_path / "good.xlsx", GOOD)
    result = runner.invoke(main, ["review", "import", str(path), "--round", "2022Q2"])
    assert result.exit_code == 0, result.output
    assert "人工检查问题：新增 2、更新 0、未变 0" in result.output

    result = runner.invoke(main, ["review", "inquiry", "--round", "2022Q2", "--site",
                                  "3411030026", "--asked", "2022/6/23 10:00", "--answered",
                                  "2022年6月29日9时", "--by", "李四"])
    assert result.exit_code == 0, result.output
    q = Inquiry.objects.get(site__code="3411030026")
    assert (q.effective, q.entered_by) == (True, "李四")

    result = runner.invoke(main, ["review", "inquiry", "--round", "2022Q2", "--site",
                                  "3411030026", "--asked", "明天"])
    assert result.exit_code == 1
    assert "参数“提问时间”：“明天”不是有效的时间" in result.output
    assert "未录入任何内容" in result.output

    result = runner.invoke(main, ["review", "finding", "3411000036", "W-D17", "--round",
                                  "2022Q2", "--message", "互动栏目需单独注册"])
    assert result.exit_code == 0, result.output
    assert ManualFinding.objects.get(indicator_id="W-D17").item == "no_unified_login"

    result = runner.invoke(main, ["review", "previous", "--round", "2022Q2",
                                  "inquiry_within_1_rate=64.20", "inquiry_within_5_rate=24.53"])
    assert result.exit_code == 0, result.output
    assert PreviousFigure.objects.get(metric="inquiry_within_1_rate").value == Decimal("64.20")
    result = runner.invoke(main, ["review", "previous", "--round", "2022Q2", "合格率=90"])
    assert result.exit_code == 1 and "未知的数据项“合格率”" in result.output

    result = runner.invoke(main, ["review", "import", str(path), "--round", "2099Q1"])
    assert result.exit_code == 1 and "没有名为 2099Q1 的检查轮次" in result.output


def test_review_models_have_no_missing_migrations():
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("makemigrations", "review", check=True, dry_run=True, stdout=out)
    assert "No changes detected" in out.getvalue()


def test_one_sheet_as_gbk_csv(round_, tmp_path):
    from govinspect.web.review.models import AccountCheck

    path = tmp_path / "新媒体.csv"
    path.write_bytes(("账号标识码,最后发布时间,互动功能是否可用\n"
                      "341103m001wx0001,2022年6月29日,是\n").encode("gb18030"))
    report = import_review(path, round_)
    assert report.accounts.created == 1
    check = AccountCheck.objects.get()
    assert check.account.code == "341103M001WX0001"
    assert check.last_post_at == dt.datetime(2022, 6, 29, 23, 59, 59, tzinfo=CST)
