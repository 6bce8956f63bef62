"""The inspectors' .xlsx record: template round trip, atomic import, row-level errors."""

from __future__ import annotations

import datetime as dt

import pytest
from openpyxl import Workbook, load_workbook

from govinspect.collect.newmedia.inspection import (
    ACCOUNT_COLUMNS,
    ACCOUNT_SHEET,
    MENU_COLUMNS,
    MENU_SHEET,
    parse_time_cell,
    read_inspection_xlsx,
    write_inspection_template,
)
from govinspect.core.newmedia import SHANGHAI, AccountRef, Precision, facts_from_records
from govinspect.core.roster import Platform


def cst(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SHANGHAI)


def workbook(path, accounts, menus=()):
    wb = Workbook()
    ws = wb.active
    ws.title = ACCOUNT_SHEET
    ws.append([c.header for c in ACCOUNT_COLUMNS])
    for row in accounts:
        ws.append(list(row))
    ws = wb.create_sheet(MENU_SHEET)
    ws.append([c.header for c in MENU_COLUMNS])
    for row in menus:
        ws.append(list(row))
    wb.save(path)
    return path


GOOD_ACCOUNTS = [
    # 账号标识码, 平台, 账号名称, 认证主体, 最后发布时间, 互动功能, 检查时间, 账号链接, 备注
    ("341100M007XL0002", "新浪微博", "滁州治安在线", "滁州市公安局治安管理支队",
     "2022-06-20 10:30", "是", dt.datetime(2022, 6, 28, 15, 0), "", ""),
    ("341100M003WX0101", "微信订阅号", "滁州经开区凤凰办事处", "滁州经济技术开发区凤凰街道办事处",
     dt.datetime(2022, 6, 27), "否", None, "", "留言功能未开通"),
    ("", "微信小程序", "云上南谯", "滁州市南谯区人民政府办公室", "", "", None, "", "全网搜索发现"),
]
GOOD_MENUS = [
    # 账号标识码, 平台, 账号名称, 菜单, 最后更新时间, 有无信息, 菜单链接, 备注
    ("", "微信公众号", "滁州经开区凤凰办事处", "平安会峰", "2020", "有", "", ""),
    ("341100M003WX0101", "微信公众号", "滁州经开区凤凰办事处", "便民服务—办事指南", "2022-05", "", "", ""),
    ("", "微信订阅号", "滁州经开区凤凰办事处", "防病专题—慢性病防治和健康教育", "", "无", "", ""),
]


def test_template_imports_back(tmp_path):
    path = write_inspection_template(tmp_path / "模板.xlsx")
    wb = load_workbook(path)
    assert wb.sheetnames == [ACCOUNT_SHEET, MENU_SHEET, "说明"]
    records, problems = read_inspection_xlsx(path)
    assert problems == []
    assert [r.name for r in records] == ["滁州治安在线", "滁州经开区凤凰办事处"]
    assert records[1].menus[0].path == ("平安会峰",)


def test_a_valid_record(tmp_path):
    menus = [GOOD_MENUS[0], GOOD_MENUS[1], GOOD_MENUS[2]]
    records, problems = read_inspection_xlsx(workbook(tmp_path / "r.xlsx", GOOD_ACCOUNTS, menus))
    assert problems == []
    weibo, wechat, found = records
    assert weibo.platform is Platform.WEIBO and weibo.code == "341100M007XL0002"
    assert weibo.last_post == cst(2022, 6, 20, 10, 30)
    assert weibo.last_post_precision is Precision.MINUTE
    assert weibo.interaction is True and weibo.checked_at == cst(2022, 6, 28, 15, 0)
    assert weibo.where == f"{ACCOUNT_SHEET} 第2行"
    assert wechat.platform is Platform.WECHAT_OA  # 微信订阅号 is the 公众号 platform
    assert wechat.last_post == cst(2022, 6, 27) and wechat.last_post_precision is Precision.DAY
    assert wechat.interaction is False and wechat.notes == "留言功能未开通"
    assert [m.path for m in wechat.menus] == [("平安会峰",), ("便民服务", "办事指南"),
                                             ("防病专题", "慢性病防治和健康教育")]
    first, second, third = wechat.menus
    assert (first.last_updated, first.precision) == (cst(2020, 1, 1), Precision.YEAR)
    assert (second.last_updated, second.precision) == (cst(2022, 5, 1), Precision.MONTH)
    assert third.empty and third.last_updated is None
    assert found.code == "" and found.platform is Platform.WECHAT_MINI

    registry = [AccountRef("341100M007XL0002", Platform.WEIBO, "滁州治安在线")]
    facts, loose = facts_from_records(records, registry)
    assert [f.account.code for f in facts] == ["341100M007XL0002"]
    assert facts[0].last_post_at(cst(2022, 6, 30)) == cst(2022, 6, 20, 10, 30)
    assert [r.name for r in loose] == ["滁州经开区凤凰办事处", "云上南谯"]


def test_all_problems_listed_and_nothing_imported(tmp_path):
    accounts = list(GOOD_ACCOUNTS) + [
        ("bad code!", "飞书", "", "", "上周三", "可能", None, "", ""),
        ("341100M007XL0002", "新浪微博", "滁州治安在线2", "", "2022-02-30", "", None, "", ""),
    ]
    menus = [("", "微信公众号", "不存在的账号", "首页", "2021", "", "", ""),
             ("", "微信公众号", "滁州经开区凤凰办事处", "首页", "", "没有", "", "")]
    records, problems = read_inspection_xlsx(workbook(tmp_path / "r.xlsx", accounts, menus))
    assert records == []
    assert f"{ACCOUNT_SHEET} 第5行“账号标识码”：“bad code!”无效，应为6至32位字母或数字" in problems
    assert any(p.startswith(f"{ACCOUNT_SHEET} 第5行“平台”：“飞书”不是支持的平台") for p in problems)
    assert f"{ACCOUNT_SHEET} 第5行“账号名称”：不能为空" in problems
    assert any(p.startswith(f"{ACCOUNT_SHEET} 第5行“最后发布时间”：“上周三”不是可识别的时间")
               for p in problems)
    assert f"{ACCOUNT_SHEET} 第5行“互动功能”：“可能”无效，应填“是”或“否”" in problems
    assert f"{ACCOUNT_SHEET} 第6行“最后发布时间”：“2022-02-30”不是有效的日期或时间" in problems
    assert any("不存在的账号" in p and p.startswith(f"{MENU_SHEET} 第2行") for p in problems)
    assert f"{MENU_SHEET} 第3行“有无信息”：“没有”无效，应填“有”或“无”" in problems


def test_duplicate_accounts(tmp_path):
    accounts = [GOOD_ACCOUNTS[0], GOOD_ACCOUNTS[0]]
    records, problems = read_inspection_xlsx(workbook(tmp_path / "d.xlsx", accounts))
    assert records == []
    assert problems == [f"{ACCOUNT_SHEET} 第3行“账号标识码”：“341100M007XL0002”与{ACCOUNT_SHEET} 第2行重复"]


def test_file_level_problems(tmp_path):
    assert read_inspection_xlsx(tmp_path / "none.xlsx")[1][0].endswith("文件不存在")
    (tmp_path / "a.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    assert "另存为 .xlsx" in read_inspection_xlsx(tmp_path / "a.xls")[1][0]
    (tmp_path / "b.xlsx").write_bytes(b"not a zip")
    assert "无法作为 Excel (.xlsx) 文件读取" in read_inspection_xlsx(tmp_path / "b.xlsx")[1][0]
    wb = Workbook()
    wb.active.append(["随便", "什么"])
    wb.save(tmp_path / "c.xlsx")
    records, problems = read_inspection_xlsx(tmp_path / "c.xlsx")
    assert records == [] and "没有找到“账号检查记录”工作表" in problems[0]
    wb = Workbook()
    wb.active.title = ACCOUNT_SHEET
    wb.active.append(["账号名称", "最后发布时间"])
    wb.save(tmp_path / "e.xlsx")
    assert f"{ACCOUNT_SHEET}：缺少必填列“平台”" in read_inspection_xlsx(tmp_path / "e.xlsx")[1]


@pytest.mark.parametrize("cell, expected", [
    ("2022年6月20日", (cst(2022, 6, 20), Precision.DAY)),
    ("2022/6/20 9:05", (cst(2022, 6, 20, 9, 5), Precision.MINUTE)),
    ("2022-06-20 09:05:30", (cst(2022, 6, 20, 9, 5, 30), Precision.SECOND)),
    ("2020年5月", (cst(2020, 5, 1), Precision.MONTH)),
    (2020, (cst(2020, 1, 1), Precision.YEAR)),
    (dt.date(2021, 3, 4), (cst(2021, 3, 4), Precision.DAY)),
    ("", None),
])
def test_time_cells(cell, expected):
    assert parse_time_cell(cell) == expected


def test_time_cell_with_an_unreasonable_year():
    with pytest.raises(ValueError, match="年份不合理"):
        parse_time_cell("1900")
