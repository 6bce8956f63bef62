"""Site rules for 互动交流: published messages (W-D18), unanswered messages (W-V5 veto),
reply-time statistics, and commercial referrals in replies (GI-I001 on reply text).

Message detail pages often lay their fields out as a two-column table (``<th>答复时间</th>
<td>…</td>``) that the page extractor's message reader does not pair up; ``complete_messages``
reads those label cells and fills the missing fields. The analysis runner stores the completed
messages in the site's page facts, so the site rules below see every field.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache
from urllib.parse import urlsplit

from dateutil.relativedelta import relativedelta

from govinspect.core.types import Confidence, Evidence, Finding
from govinspect.extract import PageFacts
from govinspect.extract.dates import parse_date
from govinspect.extract.dom import parse
from govinspect.extract.encoding import decode
from govinspect.extract.facts import Message
from govinspect.rules.base import PageNote, Rule, Scope, register
from govinspect.rules.site_policy import indicator, parse_moment, ref_datetime, sample

# label → Message field; the label is a whole table cell or the text before a colon
_LABELS = {
    "留言标题": "title", "信件标题": "title", "来信标题": "title", "咨询标题": "title",
    "留言时间": "asked_at", "提问时间": "asked_at", "来信时间": "asked_at", "咨询时间": "asked_at",
    "留言日期": "asked_at", "来信日期": "asked_at",
    "答复单位": "replier", "回复单位": "replier", "办理单位": "replier", "答复部门": "replier",
    "回复部门": "replier", "承办单位": "replier", "答复机构": "replier",
    "答复时间": "answered_at", "回复时间": "answered_at", "办结时间": "answered_at",
    "答复日期": "answered_at", "回复日期": "answered_at",
    "答复内容": "reply", "回复内容": "reply", "答复意见": "reply", "办理结果": "reply",
    "办理状态": "status", "状态": "status", "处理状态": "status",
}
_LABEL_RE = re.compile(r"^\s*(" + "|".join(sorted(_LABELS, key=len, reverse=True))
                       + r")\s*[:：]?\s*(.*)$", re.S)
REQUIRED = {"asked_at": "留言时间", "answered_at": "答复时间", "replier": "答复单位",
            "reply": "答复内容"}
_ANSWERED_STATUS = re.compile(r"已答复|已回复|已办结|已处理")
_OPEN_STATUS = re.compile(r"办理中|处理中|未答复|未回复|待答复|待处理|已受理")
# 政务咨询类 columns only (W-V5): not 信访, 纪检举报, 在线访谈, 调查征集
_NOT_CONSULTATION = re.compile(r"信访|纪检|举报|访谈|调查|征集")


def _date_value(value: str) -> str | None:
    found = parse_date(value)
    if not found:
        return None
    day, time = found
    return f"{day.isoformat()}T{time}" if time else day.isoformat()


def read_fields(body: bytes, url: str) -> dict[str, str]:
    """Label → value pairs of a message page (first occurrence wins; '' = label shown empty)."""
    text, _declared, _detected = decode(bytes(body))
    doc = parse(text, url)
    fields: dict[str, str] = {}
    for line in doc.lines:
        cells = line.split("\t")
        for i, cell in enumerate(cells):
            m = _LABEL_RE.match(cell)
            if not m or len(cell) > 2000:
                continue
            name = _LABELS[m.group(1)]
            value = m.group(2).strip()
            if not value and i + 1 < len(cells) and not _LABEL_RE.match(cells[i + 1]):
                value = cells[i + 1].strip()
            if name not in fields:
                fields[name] = value
    return fields


def complete_messages(body: bytes, facts: PageFacts) -> tuple[Message, ...]:
    """The page's messages with fields read from label cells where the extractor left none.
    Only for a page showing one message (``message_detail``); others are returned as they are."""
    if facts.page_type != "message_detail":
        return facts.messages
    fields = read_fields(body, facts.url)
    if not fields.get("asked_at") and not facts.messages:
        return facts.messages
    base = facts.messages[0] if facts.messages else Message(title="", asked_at=None,
                                                             answered_at=None)

    def pick(name: str, current: str | None) -> str | None:
        if name not in fields:
            return current
        value = fields[name]
        if name in ("asked_at", "answered_at"):
            return _date_value(value) if value else None
        return value or None

    title = fields.get("title") or facts.title or base.title
    return (Message(title=title,
                    asked_at=pick("asked_at", base.asked_at),
                    answered_at=pick("answered_at", base.answered_at),
                    replier=pick("replier", base.replier),
                    reply=pick("reply", base.reply),
                    status=pick("status", base.status)),)


def completed(facts: PageFacts, body: bytes) -> PageFacts:
    """``facts`` with its messages completed (the runner stores this in ``SiteInput``)."""
    if facts.page_type != "message_detail":
        return facts
    return replace(facts, messages=complete_messages(body, facts))


# --- collecting a site's messages ----------------------------------------------------------


def _board_pages(site_input) -> list[PageFacts]:
    return [f for f in site_input.pages
            if f.column_category == "留言咨询" or f.page_type in ("message_list", "message_detail")]


def _answered(m: Message) -> bool:
    if m.answered_at or m.reply:
        return True
    return bool(m.status and _ANSWERED_STATUS.search(m.status))


def _column_url(pages: list[PageFacts]) -> str | None:
    lists = [f for f in pages if f.page_type != "message_detail"]
    if not lists:
        return None
    return min((f.url for f in lists), key=lambda u: (len(u), u))


def site_messages(site_input) -> list[tuple[PageFacts, Message]]:
    """(page, message) for every message shown on a detail page of the site."""
    return [(f, m) for f in _board_pages(site_input) if f.page_type == "message_detail"
            for m in f.messages]


# --- W-D18 留言公开 -------------------------------------------------------------------------


def message_publication(site_input, ctx) -> list[Finding]:
    """W-D18: no message published, or the newest message older than the window."""
    code = site_input.site.code
    board = _board_pages(site_input)
    if not board:
        return []  # no message column found: whether a channel exists is judged by a person
    conf = indicator(ctx, "W-D18")
    column_url = _column_url(board) or board[0].url
    msgs = site_messages(site_input)
    out: list[Finding] = []
    # newest activity: every date shown on the board (list rows, 留言时间, 答复时间)
    moments = [parse_moment(d) for f in board for it in f.list_items for d in (it.date,)]
    moments += [parse_moment(d) for f in board for m in f.messages
                for d in (m.asked_at, m.answered_at)]
    moments = [m for m in moments if m is not None]
    if not moments and not msgs:
        out.append(Finding(
            rule_id=MESSAGE_PUBLICATION.id, indicator_id="W-D18", subject=code,
            message="留言栏目未公开任何网民留言", evidence=Evidence(url=column_url),
            confidence=Confidence.SUSPECTED, item="none_published",
            details={"column": column_url}))
        return out
    window = conf.get("window") or {"months": 2}
    from govinspect.core.newmedia import window_start

    t = ref_datetime(ctx)
    start = window_start(t, window)
    newest = max(m for m in moments if m <= t) if any(m <= t for m in moments) else None
    if newest is None or newest <= start:
        shown = newest.date().isoformat() if newest else "无"
        out.append(Finding(
            rule_id=MESSAGE_PUBLICATION.id, indicator_id="W-D18", subject=code,
            message=f"留言公开栏目超过{_window_text(window)}未更新（最新：{shown}）",
            evidence=Evidence(url=column_url, context=f"最新留言：{shown}"),
            item="stale", details={"column": column_url, "latest": shown}))
    return out


def message_fields(site_input, ctx) -> list[Finding]:
    """W-D18: answered messages lacking 留言时间 / 答复时间 / 答复单位 / 答复内容 (a sample of 5
    feeds the score, the rest are listed outside the sample)."""
    code = site_input.site.code
    board = _board_pages(site_input)
    conf = indicator(ctx, "W-D18")
    column_url = _column_url(board)
    msgs = site_messages(site_input)
    out: list[Finding] = []
    incomplete = []
    for f, m in msgs:
        if not _answered(m):
            continue  # an open message is judged by W-V5, not here
        missing = [label for name, label in REQUIRED.items() if not getattr(m, name)]
        if missing:
            incomplete.append((f, m, missing))
    k = int(conf.get("sample", 5))
    picked = sample(ctx, code, "W-D18", {f.url for f, _m in msgs}, k)
    for f, m, missing in incomplete:
        in_sample = f.url in picked
        out.append(Finding(
            rule_id=MESSAGE_FIELDS.id, indicator_id="W-D18", subject=code,
            message=f"已公开留言缺少{'、'.join(missing)}：{m.title}"
            + ("" if in_sample else "（抽查范围外，不扣分）"),
            evidence=Evidence(url=f.url, parent_url=column_url, context=m.title),
            item="missing_field" if in_sample else "outside_sample",
            details={"missing": missing, "sample": picked, "sampled": in_sample}))
    return out


# --- W-D18 留言受理反馈情况统计数据 --------------------------------------------------------------

STATS_NOTE = "message_stats"  # page note: the page publishes message statistics
# A title or link naming statistics of messages: "来信统计", "留言办理情况统计", "信件受理情况统计",
# "2022年5月市长信箱来信情况汇总", "网民留言数据分析"
_STATS_TITLE = re.compile(r"(?:留言|来信|信件|来电|诉求|网民|信箱|咨询|投诉|热线).{0,16}?"
                          r"(?:统计|数据|月报|报表|汇总|分析)"
                          r"|(?:统计|数据).{0,6}?(?:留言|来信|信件|诉求)")
# 办事统计 (W-D12), 依申请公开 and 审批 figures are other statistics
_OTHER_STATS = re.compile(r"办件|办事|政务服务|审批|依申请|信息公开申请|许可")
# a statistics block ("共收到网民留言86件，已受理86件，已办结84件"): a message noun, a verb of
# handling and at least two counts
_STATS_NOUN = re.compile(r"留言|来信|信件|诉求|来电")
_STATS_VERB = re.compile(r"受理|办结|答复|回复|处理|转办")
_STATS_COUNT = re.compile(r"(?<!\d)\d+\s*(?:件|条|封|个|人次)")  # (?<!\d): linear on digit runs
_STATS_LINE_MAX = 400
_STATS_NEAR = re.compile(r"(?:留言|来信|信件|诉求|来电)[^<>]{0,40}?\d+\s*(?:件|条|封|个|人次)")


def stats_title(text: str | None) -> bool:
    """Whether a title or link text names message statistics (not 办件统计)."""
    return bool(text and _STATS_TITLE.search(text) and not _OTHER_STATS.search(text))


def stats_block(line: str) -> bool:
    """Whether one line (or table cell) of a page states message statistics."""
    return (len(line) <= _STATS_LINE_MAX and bool(_STATS_NOUN.search(line))
            and bool(_STATS_VERB.search(line)) and len(_STATS_COUNT.findall(line)) >= 2
            and not _OTHER_STATS.search(line))


def message_stats(site, page, facts: PageFacts) -> dict | None:
    """Page note: the page publishes 留言受理反馈 statistics, by its title or by a statistics
    block in its text (a mailbox list page often shows one above the list)."""
    if facts.page_type in ("error", "search", "message_detail"):
        return None
    title = facts.title or facts.html_title or ""
    if stats_title(title):
        return {"how": "title", "title": title}
    doc = page.doc()  # the Doc extraction made: no decoding or parsing again
    # A statistics cell is a piece of the visible text: no message noun or no count there, no
    # cell (searching the text, a fifth of the HTML, first saves 0.15 ms a page)
    if not (_STATS_NOUN.search(doc.text) and _STATS_COUNT.search(doc.text)):
        return None
    if not _STATS_NEAR.search(doc.source):
        return None
    for line in doc.lines:
        cells = [c for c in line.split("\t") if c.strip()] or [line]
        for cell in cells:
            if stats_block(cell):
                return {"how": "block", "title": title, "text": cell.strip()[:200]}
    return None


def message_statistics(site_input, ctx) -> list[Finding]:
    """W-D18: a site publishing messages with no 留言受理反馈情况统计数据 anywhere: no page with
    such a title or block (page note), no list item or own link naming one."""
    board = _board_pages(site_input)
    if not board:
        return []
    has_messages = bool(site_messages(site_input)) or any(
        it.date for f in board for it in f.list_items)
    if not has_messages:
        return []  # nothing published at all: GI-I002 reports that (none_published)
    if site_input.notes.get(STATS_NOTE):
        return []
    hosts = {h.lower() for h in site_input.site.hosts}
    for f in site_input.pages:
        if any(stats_title(it.title) for it in f.list_items):
            return []
        if any(stats_title(link.text) and (urlsplit(link.url).hostname or "").lower() in hosts
               for link in f.links):
            return []
    column_url = _column_url(board) or board[0].url
    return [Finding(
        rule_id=MESSAGE_STATISTICS.id, indicator_id="W-D18", subject=site_input.site.code,
        message="未公开留言受理反馈情况统计数据（网站各页面均未找到留言、来信的受理办结统计）",
        evidence=Evidence(url=column_url), confidence=Confidence.SUSPECTED,
        item="no_statistics", details={"column": column_url, "pages_seen": len(site_input.pages)})]


def _window_text(window: dict) -> str:
    if "months" in window:
        return f"{window['months']}个月"
    if "years" in window:
        return f"{window['years']}年"
    return f"{window.get('days', 0)}天"


MESSAGE_PUBLICATION = register(Rule(
    id="GI-I002",
    title="留言未公开或长期未更新",
    indicators=("W-D18",),
    what="读取留言咨询类栏目的列表页和留言详情页：栏目中没有任何留言报“未公开留言”；"
    "栏目上显示的最新留言时间或答复时间早于检查时间点前2个月（窗口取自指标体系）报“未更新”。"
    "是否公开留言受理反馈情况统计数据见 GI-I005。",
    why="公开留言及答复是互动交流的基本要求；长期不更新，公众无法了解办理情况。",
    example="咨询投诉栏目最新一条留言的留言时间为2022-03-02，检查时间为2022-06-30。",
    fix="及时公开新办结的留言及答复；确无留言的，说明留言渠道和受理情况。",
    basis="W-D18 留言公开（国办秘函〔2019〕19号 扣分指标 互动交流）。",
    check=message_publication,
    scope=Scope.SITE, emits=(("W-D18", "none_published"), ("W-D18", "stale")),
    needs=("pages", "messages"),
))

MESSAGE_STATISTICS = register(Rule(
    id="GI-I005",
    title="未公开留言受理反馈情况统计数据",
    indicators=("W-D18",),
    what="网站有留言咨询类栏目且已公开留言时，在全站页面中查找留言受理反馈情况统计：标题或链接"
    "含“来信统计”“留言办理情况统计”“信件受理情况统计”等（留言、来信、信件、诉求等词与统计、数据、"
    "汇总等词连用），或正文中有同时写明留言（来信）数量和受理、办结、答复数量的统计段落（如信箱"
    "列表页上方的“共收到网民留言86件，已受理86件，已办结84件”）。办件统计、依申请公开统计等"
    "不算。全站都找不到时报告（疑似：统计可能发布在未采集的页面上）。",
    why="公开留言受理反馈情况统计数据是留言公开的要求之一，检查指标缺少统计数据扣3分。",
    example="咨询投诉栏目列表页只有留言列表，网站其他页面也没有“来信统计”“留言办理情况统计”。",
    fix="定期（如按月）公开留言的收到、受理、办结和答复数量，可在信箱列表页上方显示统计，"
    "或设“来信统计”栏目。",
    basis="W-D18 留言公开（国办秘函〔2019〕19号 扣分指标 互动交流）。",
    check=message_statistics,
    scope=Scope.SITE, emits=(("W-D18", "no_statistics"),),
    needs=("pages", PageNote(STATS_NOTE, message_stats)),
))

MESSAGE_FIELDS = register(Rule(
    id="GI-I004",
    title="已公开留言要素缺失",
    indicators=("W-D18",),
    what="读取留言详情页的留言时间、答复时间、答复单位、答复内容（表格式“答复时间｜2022-06-01”"
    "也能读出）；已答复的留言缺少其中任一项即报告。每轮每站按轮次名和网站标识码确定地抽取5条"
    "留言计入扣分，其余列为抽查范围外问题（不扣分），抽样结果记在 details.sample。"
    "尚未答复的留言不在此判断（见 GI-I003）。",
    why="留言要素不全，公众无法判断留言是否及时、由谁办理，检查指标每条扣1分。",
    example="<table><tr><th>留言时间</th><td>2022-05-10 09:12</td></tr>"
    "<tr><th>答复单位</th><td>示例市人社局</td></tr><tr><th>答复内容</th><td>您好……</td></tr>"
    "</table>（缺少答复时间）",
    fix="补全留言的留言时间、答复时间、答复单位和答复内容，并在留言系统中设为必填。",
    basis="W-D18 留言公开（国办秘函〔2019〕19号 扣分指标 互动交流）。",
    check=message_fields,
    scope=Scope.SITE, emits=(("W-D18", "missing_field"), ("W-D18", "outside_sample")),
    needs=("pages", "messages"),
))


# --- W-V5 互动回应差: messages unanswered for more than 3 months -----------------------------


def unanswered_messages(site_input, ctx) -> list[Finding]:
    """W-V5 (b): a 政务咨询 message asked within the year before t and unanswered for more
    than ``unanswered_after`` (or answered only after that). 疑似 (veto: a person confirms)."""
    from govinspect.core.newmedia import window_start

    conf = indicator(ctx, "W-V5")
    t = ref_datetime(ctx)
    year_start = window_start(t, conf.get("window") or {"years": 1})
    limit = conf.get("unanswered_after") or {"months": 3}
    out = []
    for f, m in site_messages(site_input):
        if f.column_name and _NOT_CONSULTATION.search(f.column_name):
            continue
        asked = parse_moment(m.asked_at)
        if asked is None or not (year_start <= asked <= t):
            continue
        answered = parse_moment(m.answered_at)
        deadline = asked + relativedelta(**{k: int(v) for k, v in limit.items()})
        if answered is not None:
            late = answered > deadline
        else:
            late = not (m.reply or (m.status and _ANSWERED_STATUS.search(m.status))) and t > deadline
        if not late:
            continue
        waited = ((answered or t) - asked).days
        state = f"{answered.date().isoformat()}才答复" if answered else "至今未答复"
        out.append(Finding(
            rule_id=UNANSWERED.id, indicator_id="W-V5", subject=site_input.site.code,
            message=f"网民留言超过{_window_text(limit)}未答复：{m.title}"
            f"（{asked.date().isoformat()}留言，{state}，已{waited}天）",
            evidence=Evidence(url=f.url, context=m.title),
            confidence=Confidence.SUSPECTED, item="unanswered_message",
            details={"asked_at": m.asked_at, "answered_at": m.answered_at, "days": waited,
                     "status": m.status}))
    return out


UNANSWERED = register(Rule(
    id="GI-I003",
    title="留言超过3个月未答复",
    indicators=("W-V5",),
    what="在检查时间点前1年内的政务咨询类留言中（不含在线访谈、调查征集、网上信访、纪检举报），"
    "找出留言后超过3个月仍未答复、或超过3个月才答复的留言（期限取自指标体系，按自然月计算）。"
    "结果为疑似：是否为“有效留言”须人工确认。",
    why="政务咨询类栏目存在超过3个月未回应的有效留言，属于“互动回应差”单项否决情形（W-V5）。",
    example="<tr><th>留言时间</th><td>2022-02-14 10:20</td></tr><tr><th>状态</th><td>办理中</td></tr>"
    "<tr><th>答复内容</th><td></td></tr>",
    fix="立即办理并公开答复；建立留言办理时限提醒和督办机制，无效留言应注明不予受理的理由。",
    basis="W-V5 互动回应差（国办秘函〔2019〕19号 单项否决指标）。",
    check=unanswered_messages,
    scope=Scope.SITE, emits=(("W-V5", "unanswered_message"),),
    needs=("pages", "messages"),
))


# --- reply time statistics (working days) -----------------------------------------------------


@lru_cache(maxsize=1)
def _default_calendar():
    from govinspect.core.workdays import WorkdayCalendar

    return WorkdayCalendar.load()


def reply_stats(site_input, ctx, calendar=None, limits: tuple[int, ...] = (1, 5)) -> dict:
    """Reply times of a site's published messages in working days (民法典 rule: the day of
    asking is not counted). Messages in years the calendar lacks are counted as ``uncovered``.

    Returns ``{"messages", "answered", "unanswered", "uncovered", "within": {n: count},
    "median_workdays", "max_workdays"}``."""
    from govinspect.core.workdays import CalendarNotCovered

    cal = calendar or _default_calendar()
    t = ref_datetime(ctx)
    days: list[int] = []
    stats = {"messages": 0, "answered": 0, "unanswered": 0, "uncovered": 0,
             "within": {n: 0 for n in limits}}
    for _f, m in site_messages(site_input):
        asked = parse_moment(m.asked_at)
        if asked is None or asked > t:
            continue
        stats["messages"] += 1
        answered = parse_moment(m.answered_at)
        if answered is None:
            stats["unanswered"] += 1
            continue
        stats["answered"] += 1
        try:
            n = cal.elapsed_workdays(asked, answered)
        except CalendarNotCovered:
            stats["uncovered"] += 1
            continue
        days.append(n)
        for lim in limits:
            if n <= lim:
                stats["within"][lim] += 1
    days.sort()
    stats["median_workdays"] = days[len(days) // 2] if days else None
    stats["max_workdays"] = days[-1] if days else None
    return stats
