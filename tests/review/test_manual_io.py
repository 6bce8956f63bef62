"""The manual-check sheets (pure): cells, items, validation messages, point overrides."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from govinspect.core.indicator_sets import load_indicator_set
from govinspect.core.roster import Table
from govinspect.core.types import SiteKind, SiteRef
from govinspect.indicators.engine import score_site
from govinspect.indicators.manual_io import (
    FINDING_COLUMNS,
    INQUIRY_COLUMNS,
    FindingRow,
    Sheet,
    apply_point_overrides,
    classify_sheet,
    parse_manual_tables,
    parse_menus,
    parse_when,
    resolve_item,
)

CST = ZoneInfo("Asia/Shanghai")
ISET = load_indicator_set("chuzhou-2022")


@pytest.mark.parametrize("cell", [
    "2022-06-24 15:30", "2022/6/24 15:30", "2022年6月24日15时30分", "2022年6月24日 15:30",
    "2022-06-24T15:30:00+08:00", dt.datetime(2022, 6, 24, 15, 30),
])
def test_times_as_offices_write_them(cell):
    assert parse_when(cell, CST) == dt.datetime(2022, 6, 24, 15, 30, tzinfo=CST)


def test_a_date_without_time_is_the_end_of_that_day_for_a_last_post():
    assert parse_when("2022-06-20", CST, end_of_day=True).time() == dt.time(23, 59, 59)
    assert parse_when(dt.date(2022, 6, 20), CST, end_of_day=True).time() == dt.time(23, 59, 59)
    assert parse_when("2022年6月20日", CST) == dt.datetime(2022, 6, 20, tzinfo=CST)
    for bad in ("2022-13-01", "上周五", "6月20日"):
        with pytest.raises(ValueError):
            parse_when(bad, CST)


def test_items_by_key_sentence_or_alone():
    assert resolve_item(ISET, "W-D19", "no_reply") == ("no_reply", "")
    assert resolve_item(ISET, "W-D19", "答复推诿敷衍") == ("poor_reply", "")
    assert resolve_item(ISET, "W-D16", "") == ("cannot_submit", "")
    key, why = resolve_item(ISET, "W-D19", "")
    assert key is None and why == ("不能为空：应为 no_reply（模拟咨询未在5个工作日内答复）、"
                                   "poor_reply（答复推诿敷衍）、low_quality（答复引导网民通过商业媒体查阅政府信息） 之一")


def test_menus_text():
    menus = parse_menus("办事服务 2022-06-01；联系我们：2022年5月3日;便民查询", CST)
    assert menus == (("办事服务", dt.datetime(2022, 6, 1, tzinfo=CST)),
                     ("联系我们", dt.datetime(2022, 5, 3, tzinfo=CST)), ("便民查询", None))


def test_sheets_are_known_by_name_or_header():
    assert classify_sheet("模拟咨询", []) is Sheet.INQUIRY
    assert classify_sheet("Sheet1", [c.header for c in FINDING_COLUMNS]) is Sheet.FINDING
    assert classify_sheet("Sheet1", ["账号标识码", "最后 发布时间"]) is Sheet.ACCOUNT
    assert classify_sheet("Sheet1", ["网站标识码", "备注"]) is None


def test_every_bad_cell_is_named_and_good_rows_parse():
    inquiry = Table("模拟咨询", [c.header for c in INQUIRY_COLUMNS], [
        (2, ["3411000036", "问题一", "2022-06-24 15:30", "2022-06-27 09:40", "是", ""]),
        (3, [None] * 6),  # blank rows are harmless
        (4, ["341100003", "", "2022-06-24", "2022-06-23", "也许", ""]),
        (5, ["3411000036", "", "2022-06-24 15:30", None, None, ""]),
        (6, ["3411030026", "", "2022-06-23 10:00", None, "是", ""]),
    ])
    findings = Table("人工检查问题", ["网站标识码或账号标识码", "指标", "扣分项", "问题描述", "证据网址",
                                   "扣分（可选）"], [
        (2, ["3411000039", "w-d16", "", "无法提交留言", "", ""]),
        (3, ["3411000039", "W-D99", "", "x", "", ""]),
        (4, ["341100M007XL0002", "W-D16", "", "x", "ftp://a", "8"]),
        (5, ["3411000039", "NM-V3", "", "", "", "1"]),
    ])
    parsed = parse_manual_tables([inquiry, findings], ISET, CST)
    assert parsed.problems == [
        "模拟咨询 第4行“网站标识码”：“341100003”不是10位数字",
        "模拟咨询 第4行“答复时间”：早于提问时间",
        "模拟咨询 第4行“答复是否有效”：“也许”无效，应填“是”或“否”",
        "模拟咨询 第5行：与模拟咨询 第2行重复（同一网站同一提问时间的咨询只能填写一行）",
        "模拟咨询 第6行“答复是否有效”：没有答复时间时不能填“是”",
        "人工检查问题 第3行“指标”：“W-D99”不是指标体系 chuzhou-2022 中的指标（如 W-D16、W-D19、NM-V3）",
        "人工检查问题 第4行“指标”：W-D16 是网站指标，与“341100M007XL0002”不符",
        "人工检查问题 第4行“证据网址”：“ftp://a”不是有效网址，应以 http:// 或 https:// 开头",
        "人工检查问题 第4行“扣分(可选)”：不能超过 W-D16 的上限7分",
        "人工检查问题 第5行“指标”：NM-V3 是政务新媒体指标，与“3411000039”不符",
        "人工检查问题 第5行“问题描述”：不能为空",
        "人工检查问题 第5行“扣分(可选)”：NM-V3 不计分（单项否决或问题类指标），不能填写分值",
    ]
    assert [(q.site_code, q.answered_at, q.effective) for q in parsed.inquiries] == [
        ("3411000036", dt.datetime(2022, 6, 27, 9, 40, tzinfo=CST), True)]
    [f] = parsed.findings
    assert (f.indicator_id, f.item, f.subject_kind) == ("W-D16", "cannot_submit", "site")


def test_missing_required_column():
    table = Table("模拟咨询", ["网站标识码", "提问时间"], [(2, ["3411000036", "2022-06-24"])])
    assert parse_manual_tables([table], ISET, CST).problems == [
        "模拟咨询：缺少必填列“问题”", "模拟咨询：缺少必填列“答复时间”",
        "模拟咨询：缺少必填列“答复是否有效”"]


def test_point_override_changes_only_that_finding():
    site = SiteRef("3411000039", "滁州市发展和改革委员会", "http://fgw.example.gov.cn/",
                   SiteKind.DEPARTMENT)
    rows = [FindingRow(site.code, "site", "W-D19", "no_reply", "咨询未答复", "http://a/1",
                       Decimal("2")),
            FindingRow(site.code, "site", "W-D19", "poor_reply", "答复敷衍", "http://a/2")]
    findings = [r.to_core(site.homepage) for r in rows]
    iset, adjusted = apply_point_overrides(ISET, findings)
    # 70 − (2 + 4) = 64 ⇒ 64 × 100 / 70 = 91.43; without the override 70 − 7 (cap) ⇒ 90.00
    assert str(score_site(site, adjusted, iset).final) == "91.43"
    assert str(score_site(site, findings, ISET).final) == "90.00"
    assert ISET.item("W-D19", "no_reply")["points"] == 4  # the shared set is untouched
