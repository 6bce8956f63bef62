"""互动交流: GI-I002 / GI-I003 / GI-I004, reply statistics and GI-I001 on reply text."""

from __future__ import annotations

import datetime as dt

from site_demo import ctx, demo, site_input

from govinspect.core.types import CaptureRecord
from govinspect.core.workdays import WorkdayCalendar
from govinspect.extract import extract_page
from govinspect.rules import site_interaction as si
from govinspect.rules.analyse import PageInput
from govinspect.rules.text import reply_referrals

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
        found = reply_referrals(site, PageInput(cap, body), facts, ctx())
        assert [f.rule_id for f in found] == ["GI-I001"]
        assert ctx().indicator_set.item("W-D19", found[0].item) is not None
    url, body = message()
    assert reply_referrals(inputs[e["site"]].site,
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


# ── GI-I005 留言受理反馈情况统计数据 ────────────────────────────────────────────────────────

BOARD = "http://fgw.shishi.gov.cn/hdjl/zxzx/"
MAILBOX = """<html><head><meta charset="utf-8"><title>咨询投诉_示例市发展和改革委员会</title>
<meta name="ColumnName" content="咨询投诉"><meta name="ColumnType" content="留言咨询"></head><body>
<div class="position">当前位置：首页 &gt; 互动交流 &gt; 咨询投诉</div>
<div class="content"><div class="column-title">咨询投诉</div>{block}
<table class="msg-list"><tr><th>标题</th><th>留言时间</th><th>状态</th></tr>
<tr><td><a href="./202206/t20220601_101.html">咨询稳岗补贴相关政策</a></td><td>2022-06-01</td><td>已答复</td></tr>
<tr><td><a href="./202205/t20220520_102.html">关于小区停车问题的建议</a></td><td>2022-05-20</td><td>已答复</td></tr>
<tr><td><a href="./202205/t20220511_103.html">请问创业补贴如何申请</a></td><td>2022-05-11</td><td>已答复</td></tr>
</table></div></body></html>"""
STATS_PAGE = """<html><head><meta charset="utf-8"><title>{title}_示例市人民政府</title></head><body>
<div class="position">当前位置：首页 &gt; 互动交流 &gt; {column} &gt; 正文</div>
<div class="article"><h1 class="title">{title}</h1><div class="info">发布时间：2022-06-05 09:30</div>
<div class="TRS_Editor"><p>{text}</p><table><tr><td>事项类别</td><td>受理</td><td>办结</td></tr>
<tr><td>行政许可</td><td>352</td><td>349</td></tr></table></div></div></body></html>"""
SERVICE_STATS = ("2022年5月政务服务事项办件统计", "办事统计",
                 "2022年5月，共受理政务服务事项3520件，办结3490件，按时办结率100%。")


def _stats_site(*extra: tuple[str, bytes], block: str = ""):
    pages = [(BOARD, MAILBOX.format(block=block).encode()), message(1), *extra]
    data = site_input(pages)
    for url, body in pages:
        f = extract_page(body, url)
        cap = CaptureRecord(data.site.code, url, url, 200, "text/html", "", 1, None, "", 0, "")
        note = si.message_stats(data.site, PageInput(cap, body), f)
        if note is not None:
            data.notes.setdefault(si.STATS_NOTE, {})[url] = note
    return data


def _stats_page(n: int, title: str, column: str, text: str):
    url = f"http://fgw.shishi.gov.cn/hdjl/tjsj/202206/t20220605_{n}.html"
    return url, STATS_PAGE.format(title=title, column=column, text=text).encode()


def test_no_message_statistics_reported_at_the_mailbox():
    [f] = si.message_statistics(_stats_site(), ctx())
    assert (f.rule_id, f.indicator_id, f.item, f.evidence.url) == (
        "GI-I005", "W-D18", "no_statistics", BOARD)
    assert ctx().indicator_set.item("W-D18", f.item)["points"] == 3
    # 办件统计 (W-D12) figures, as a page or as a block above the list, are no message statistics
    data = _stats_site(_stats_page(1, *SERVICE_STATS),
                       block='<div class="lytj">办件统计：本月共受理政务服务事项3520件，办结3490件。</div>')
    assert [f.item for f in si.message_statistics(data, ctx())] == ["no_statistics"]
    assert not data.notes


def test_message_statistics_found_as_block_page_or_link():
    block = '<div class="lytj">留言办理情况统计：本栏目共收到网民留言86件，已受理86件，已办结（答复）84件。</div>'
    assert si.message_statistics(_stats_site(block=block), ctx()) == []
    for title in ("2022年5月市长信箱来信统计", "信件受理情况统计", "网民留言办理情况汇总"):
        page = _stats_page(2, title, "来信统计", "现将本月来信情况公布如下。")
        assert si.message_statistics(_stats_site(page), ctx()) == [], title
    # a statistics page found only through a link or a list item (not crawled)
    link = '<div class="lytj"><a href="./lytj.html">留言办理情况统计</a></div>'
    assert si.message_statistics(_stats_site(block=link), ctx()) == []
    foreign = '<div class="lytj"><a href="http://www.shishi.gov.cn/lytj.html">留言办理情况统计</a></div>'
    assert len(si.message_statistics(_stats_site(block=foreign), ctx())) == 1


def test_no_statistics_finding_without_published_messages():
    empty = MAILBOX.format(block="").split("<table")[0] + "<p>暂无信息</p></div></body></html>"
    data = site_input([(BOARD, empty.encode())])
    assert si.message_statistics(data, ctx()) == []
    assert [f.item for f in si.message_publication(data, ctx())] == ["none_published"]


def test_demo_message_statistics_match_the_manifest():
    _m, inputs, bodies = demo()
    found = set()
    for data in inputs.values():
        notes = {}
        for f in data.pages:
            cap = CaptureRecord(data.site.code, f.url, f.url, 200, "text/html", "", 1, None,
                                "", 0, "")
            note = si.message_stats(data.site, PageInput(cap, bodies[f.url]), f)
            if note is not None:
                notes[f.url] = note
        data.notes[si.STATS_NOTE] = notes
        found |= {f.evidence.url.rstrip("/") for f in si.message_statistics(data, ctx())}
        data.notes.pop(si.STATS_NOTE)
    assert found and found == _entries("message_stats_missing")
