"""互动交流: GI-I002 / GI-I003 / GI-I004, reply statistics and GI-I001 on reply text."""

from __future__ import annotations

import datetime as dt

from site_demo import ctx, demo, site_input

from govinspect.core.types import CaptureRecord
from govinspect.core.workdays import WorkdayCalendar
from govinspect.extract import extract_page
from govinspect.rules import site_interaction as si
from govinspect.rules.analyse import PageInput

MSG = """<html><head><title>{title}_示例市发展和改革委员会</title>
<meta name="ColumnName" content="咨询投诉"><meta name="ColumnType" content="留言咨询"></head><body>
<div class="crumb">当前位置：首页 &gt; 互动交流 &gt; 咨询投诉 &gt; 正文</div>
<div class="article message"><h1 class="title">{title}</h1><table class="msg-detail">
{rows}</table></div></body></html>"""


def message(n=1, *, asked="2022-06-01 09:12", answered="2022-06-02 15:30",
            replier="示例市发展和改革委员会", reply="您好！您反映的问题已收悉，请携带材料到市政务服务中心办理。",
            status=None, drop=()):
    rows = [("留言标题", "咨询稳岗补贴相关政策"), ("留言人", "张**"), ("留言时间", asked),
            ("留言内容", "您好，我想咨询稳岗补贴如何申请？"), ("答复单位", replier),
            ("答复时间", answered), ("答复内容", reply)]
    if status:
        rows.insert(3, ("办理状态", status))
    html = MSG.format(title="咨询稳岗补贴相关政策", rows="\n".join(
        f"<tr><th>{k}</th><td>{v}</td></tr>" for k, v in rows if k not in drop))
    return f"http://fgw.shishi.gov.cn/hdjl/zxzx/202206/t20220601_10{n}.html", html.encode()


def test_table_fields_are_read():
    url, body = message()
    [m] = si.complete_messages(body, extract_page(body, url))
    assert m.replier == "示例市发展和改革委员会" and m.reply.startswith("您好")
    assert m.asked_at == "2022-06-01T09:12" and m.answered_at == "2022-06-02T15:30"


def test_missing_reply_time_reported_complete_message_not():
    data = site_input([message(1, drop=("答复时间",)), message(2)])
    [f] = si.message_fields(data, ctx())
    assert f.details["missing"] == ["答复时间"] and f.item == "missing_field"
    assert f.evidence.url.endswith("_101.html")


def test_open_message_over_three_months_is_a_suspected_veto():
    data = site_input([message(1, asked="2022-02-14 10:20", answered="", replier="", reply="",
                               status="办理中"), message(2)])
    [f] = si.unanswered_messages(data, ctx())
    assert (f.indicator_id, f.item, f.confidence.value) == ("W-V5", "unanswered_message", "疑似")
    assert si.message_fields(data, ctx()) == []  # open messages are W-V5's, not W-D18's


def test_open_message_under_three_months_and_old_ones_not_flagged():
    recent = message(1, asked="2022-05-14 10:20", answered="", replier="", reply="", status="办理中")
    old = message(2, asked="2021-03-01 10:20", answered="", replier="", reply="", status="办理中")
    assert si.unanswered_messages(site_input([recent, old]), ctx()) == []


def test_stale_board():
    data = site_input([message(1, asked="2022-03-01 09:00", answered="2022-03-03 10:00")])
    [f] = si.message_publication(data, ctx())
    assert f.item == "stale" and f.details["latest"] == "2022-03-03"
    assert si.message_publication(site_input([message(1)]), ctx()) == []


def _demo_urls(check, rule_id):
    _m, inputs, _ = demo()
    return {f.evidence.url.rstrip("/") for d in inputs.values() for f in check(d, ctx())
            if f.rule_id == rule_id}


def _entries(kind):
    manifest, _i, _b = demo()
    return {e["url"].rstrip("/") for e in manifest.select(kind=kind)}


def test_demo_kinds_match_the_manifest():
    assert _demo_urls(si.unanswered_messages, "GI-I003") == _entries("message_unanswered")
    assert _demo_urls(si.message_fields, "GI-I004") == _entries("message_missing_fields")
    assert _demo_urls(si.message_publication, "GI-I002") == _entries("stale_messages")


def test_reply_referral_runs_on_table_reply_text():
    manifest, inputs, bodies = demo()
    entries = manifest.select(kind="reply_commercial_redirect")
    assert entries
    for e in entries:
        body = bodies[e["url"]]
        facts = extract_page(body, e["url"])
        site = inputs[e["site"]].site
        cap = CaptureRecord(site.code, e["url"], e["url"], 200, "text/html", "", 1, None, "", 0, "")
        found = si.reply_referrals(site, PageInput(cap, body), facts, ctx())
        assert [f.rule_id for f in found] == ["GI-I001"]
        assert ctx().indicator_set.item("W-D19", found[0].item) is not None
    url, body = message()
    assert si.reply_referrals(inputs[e["site"]].site,
                              PageInput(cap, body), extract_page(body, url), ctx()) == []


def test_reply_stats_in_working_days():
    # asked Thursday 2022-06-02 (端午 holiday on Friday 06-03), answered Monday 06-06: 1 working
    # day; 05-05 → 05-20 is 12 (Saturday 05-07 was a 调休 working day)
    data = site_input([message(1, asked="2022-06-02 09:00", answered="2022-06-06 10:00"),
                       message(2, asked="2022-05-05 09:00", answered="2022-05-20 10:00"),
                       message(3, asked="2022-06-20 09:00", answered="", replier="", reply="",
                               status="办理中")])
    stats = si.reply_stats(data, ctx(), calendar=WorkdayCalendar.load())
    assert stats["messages"] == 3 and stats["answered"] == 2 and stats["unanswered"] == 1
    assert stats["within"][1] == 1 and stats["within"][5] == 1 and stats["max_workdays"] == 12
    assert dt.date(2022, 6, 3).weekday() == 4
