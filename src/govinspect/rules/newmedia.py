"""New-media (政务新媒体) rules: pure functions over ``AccountFacts`` (posts from the adapters,
what inspectors recorded) and the 备案 registry.

Indicators (INDICATORS.md §5 and the indicator sets): NM-V1 严重表述错误 (the lexicon rules of
``govinspect.rules.text`` run over posts), NM-V2 内容不更新 (rule GI-NM001 of
``stale_accounts``, fed with the last post time), NM-V3 互动功能, NM-L1 信息转载
(滁州 2022), NM-D2 菜单, NM-D3 与本单位职能相关, NM-D4 账号管理 (僵尸账号, 擅自开设).
Thresholds and cue lists are data: ``rules/data/newmedia.yaml``; windows can be overridden
per indicator set (``indicators.<id>.window: {days: N}``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from difflib import SequenceMatcher
from functools import cache
from importlib import resources
from typing import Any

import yaml
from dateutil.relativedelta import relativedelta

from govinspect.core.indicator_sets import IndicatorSet, load_indicator_set
from govinspect.core.newmedia import (
    AccountEntry,
    AccountFacts,
    AccountRef,
    InspectionRecord,
    date_words,
    latest_in,
    normalise_name,
    platform_words,
    shanghai,
    window_start,
)
from govinspect.core.roster import Platform
from govinspect.core.types import Confidence, Evidence, Finding, Span
from govinspect.rules.base import Rule, Scope, register

DEFAULT_STALE_DAYS = 14  # NM-V2 nationally, when the set says nothing


# --- configuration -------------------------------------------------------------------------

@cache
def config() -> dict[str, Any]:
    """The shipped thresholds and cues (``rules/data/newmedia.yaml``)."""
    text = resources.files("govinspect.rules").joinpath("data/newmedia.yaml").read_text("utf-8")
    return yaml.safe_load(text)


def indicator_set(value: IndicatorSet | str | None) -> IndicatorSet | None:
    """An indicator set from an object or an id (loaded at call time)."""
    if value is None or isinstance(value, IndicatorSet):
        return value
    return load_indicator_set(value)


def window_days(iset: IndicatorSet | str | None, indicator: str = "NM-V2",
                default: int = DEFAULT_STALE_DAYS) -> int:
    """``indicators.<indicator>.window.days`` of the set (also accepted: ``window_days``),
    else ``default``. NM-V2: 14 nationally, 7 in chuzhou-2022."""
    iset = indicator_set(iset)
    entry = (iset.indicators.get(indicator) or {}) if iset is not None else {}
    window = entry.get("window") or {}
    if isinstance(window, Mapping) and window.get("days") is not None:
        return int(window["days"])
    if entry.get("window_days") is not None:
        return int(entry["window_days"])
    return default


def _label(account: AccountRef) -> str:
    return account.label


def _evidence(facts: AccountFacts, context: str = "", url: str = "") -> Evidence:
    return Evidence(url=url or facts.url or facts.account.code, context=context,
                    span=Span(0, len(context)) if context else None)


# --- NM-V1 严重表述错误 ----------------------------------------------------------------------

def check_serious_errors(accounts: Iterable[AccountFacts], t: dt.datetime | None = None,
                         *, lexicon=None) -> list[Finding]:
    """NM-V1: the 严重 lexicon hits (W-V1 in the text rules) in the posts of each account,
    up to ``t``. Always 疑似: a veto waits for a person."""
    from govinspect.rules import text as text_rules  # lazy: the lexicon loads on first use

    findings = []
    for facts in accounts:
        for post in facts.posts:
            if t is not None and post.published_at is not None and post.published_at > t:
                continue
            body = f"{post.title}\n{post.text}" if post.text else post.title
            for f in text_rules.check_lexicon(body, url=post.url, subject=facts.account.code,
                                              lexicon=lexicon):
                if f.indicator_id != "W-V1":
                    continue
                title = f"《{post.title}》" if post.title else "内容"
                findings.append(replace(
                    f, rule_id=SERIOUS_ERRORS.id, indicator_id="NM-V1", item="serious_error",
                    message=f"{_label(facts.account)}发布的{title}存在{f.message}",
                    confidence=Confidence.SUSPECTED,
                    details={**f.details, "post_id": post.post_id,
                             "published_at": post.published_at.isoformat()
                             if post.published_at else None},
                ))
    return findings

def serious_errors(data, ctx) -> list[Finding]:
    """GI-NM101 over the round's accounts."""
    return check_serious_errors(data.accounts, ctx.reference_time, lexicon=ctx.lexicon)


def not_updated(data, ctx) -> list[Finding]:
    """GI-NM001 over the last posts the round recorded (collected or entered by hand)."""
    return stale_accounts(data.accounts, ctx.reference_time, ctx.indicator_set)


def no_interaction(data, ctx) -> list[Finding]:
    """GI-NM102 over the round's interaction checks (collected or entered by hand)."""
    findings = []
    for c in data.checks:
        if c.interaction_ok is not False:
            continue
        findings.append(Finding(rule_id=NO_INTERACTION.id, indicator_id="NM-V3", subject=c.code,
                                message=f"“{c.name}”{c.platform}互动功能无法使用"
                                + (f"：{c.notes}" if c.notes else ""),
                                evidence=Evidence(url=c.code), item="no_interaction",
                                details={"manual": True, "account_check": c.check_id}))
    return findings


def repost_tasks(data, ctx) -> list[Finding]:
    """GI-NM103 over the round's accounts and 转载任务."""
    return check_repost_tasks(data.accounts, data.tasks, ctx.reference_time)


def relevance(data, ctx) -> list[Finding]:
    """GI-NM104 over the round's accounts."""
    return check_relevance(data.accounts, ctx.reference_time, ctx.indicator_set)


def menus(data, ctx) -> list[Finding]:
    """GI-NM105 over the round's accounts."""
    return check_menus(data.accounts, ctx.reference_time)


def zombies(data, ctx) -> list[Finding]:
    """GI-NM106 over the round's accounts."""
    return check_zombies(data.accounts, ctx.reference_time)


def unfiled(data, ctx) -> list[Finding]:
    """GI-NM107 over the accounts found on the platforms and the roster."""
    return check_unfiled(data.found, data.registry)



SERIOUS_ERRORS = register(Rule(
    id="GI-NM101",
    title="政务新媒体严重表述错误",
    indicators=("NM-V1",),
    what="用错敏词词库（与网站正文检查同一套词库和例外规则）检查账号发布内容的标题和正文，"
    "严重类词条（党和国家领导人姓名职务、重要政治表述等）命中即报疑似严重表述错误，由人工确认。",
    why="政务新媒体出现严重表述错误属于单项否决情形，账号判为不合格，并可能造成负面舆情。",
    example="“某某发布”微信订阅号发布的《深入学习贯彻习近平新时期中国特色社会主义思想》",
    fix="立即更正或删除错误内容，按要求报告；落实内容“三审”制度。",
    basis="NM-V1 安全、泄密事故等严重问题（国办秘函〔2019〕19号 政务新媒体单项否决指标）",
    check=serious_errors,
    scope=Scope.ACCOUNT, emits=(("NM-V1", "serious_error"),),
    needs=("accounts",),
))


# --- NM-V2 内容不更新 -------------------------------------------------------------------------

def _window_words(window: dict) -> str:
    if window.get("days") == 7:
        return "一周"
    if "days" in window and int(window["days"]) % 7 == 0:
        return f"{int(window['days']) // 7}周"
    if "days" in window:
        return f"{window['days']}天"
    if "months" in window:
        return f"{window['months']}个月"
    return f"{window.get('years', 1)}年"


def stale_accounts(accounts: Iterable[AccountEntry], t: dt.datetime, iset: IndicatorSet
                   ) -> list[Finding]:
    """NM-V2: an account with no post in the window before t (t − window, t] is stale.

    The window comes from the indicator set (national 2 weeks; 滁州 2022 one week). An account
    whose last post is unknown is not judged here (the office enters it or a manual finding).
    """
    window = iset.indicators["NM-V2"].get("window") or {"days": 14}
    start = window_start(t, window)
    words = _window_words(window)
    findings = []
    for account in accounts:
        if account.last_post is None or account.last_post > start:
            continue
        last = account.last_post
        findings.append(Finding(
            rule_id=STALE_ACCOUNT.id,
            indicator_id="NM-V2",
            subject=account.code,
            message=(f"“{account.name}”{account.platform}最后一次更新为"
                     f"{last.year}年{last.month}月{last.day}日，超过{words}未更新"),
            evidence=Evidence(url=account.url or account.code,
                              context=last.isoformat()),
            item="stale",
            details={"last_post": last.isoformat(), "window": dict(window),
                     "reference_time": t.isoformat()},
        ))
    return findings


STALE_ACCOUNT = register(
    Rule(
        id="GI-NM001",
        title="政务新媒体内容不更新",
        indicators=("NM-V2",),
        what="以检查时间点为准，账号在指标体系规定的时间窗口内（国家指标2周，滁州2022为1周）"
        "没有发布任何内容，即为内容不更新。最后发布时间来自平台采集或导入表。",
        why="长期不更新的账号无法发挥政务新媒体的发布和服务作用，属于单项否决情形，账号判为不合格。",
        example="“滁州治安在线”新浪微博最后一次更新为2022年6月20日，检查时间为2022年6月30日",
        fix="建立账号内容更新机制，至少按指标要求的周期发布与本单位职能相关的信息；"
        "确无运营能力的账号按程序注销或整合。",
        basis="NM-V2 内容不更新（国办秘函〔2019〕19号 政务新媒体单项否决指标）",
        check=not_updated,
    scope=Scope.MANUAL, emits=(("NM-V2", "stale"),),
    needs=("account_last_posts",),
    )
)


def check_not_updated(accounts: Iterable[AccountFacts], t: dt.datetime,
                      iset: IndicatorSet | str | None = None) -> list[Finding]:
    """NM-V2 through rule GI-NM001 (``stale_accounts``): the last post at
    or before ``t`` (posts and the hand record; an undated post never counts) older than the
    set's window ⇒ 不更新. Accounts with no known post time are not judged."""
    resolved = indicator_set(iset)
    if resolved is None or "NM-V2" not in resolved.indicators:
        resolved = IndicatorSet(id=getattr(resolved, "id", "default"), name="", scoring={},
                                indicators={"NM-V2": {"window": {"days": window_days(resolved)}}})
    entries = []
    for facts in accounts:
        last = facts.last_post_at(t)
        a = facts.account
        entries.append(AccountEntry(
            code=a.code, name=a.name, platform=platform_words(a.platform), region=a.region,
            owner=a.certified_subject, last_post=shanghai(last) if last else None,
            url=facts.url))
    return stale_accounts(entries, t, resolved)


NOT_UPDATED = STALE_ACCOUNT  # GI-NM001


# --- NM-V3 互动功能 ---------------------------------------------------------------------------

def check_interaction(accounts: Iterable[AccountFacts]) -> list[Finding]:
    """NM-V3: an account recorded without a working interaction function. Unchecked accounts
    (``interaction is None``) are not judged."""
    findings = []
    for facts in accounts:
        if facts.interaction is not False:
            continue
        findings.append(Finding(
            rule_id=NO_INTERACTION.id, indicator_id="NM-V3", subject=facts.account.code,
            message=f"{_label(facts.account)}未提供有效互动功能",
            evidence=_evidence(facts, facts.notes), item="no_interaction",
            details={"notes": facts.notes},
        ))
    return findings


NO_INTERACTION = register(Rule(
    id="GI-NM102",
    title="政务新媒体未提供有效互动功能",
    indicators=("NM-V3",),
    what="检查人员在检查记录中标明账号没有可用的互动功能（留言、私信、评论关闭或无人处理等），"
    "即报互动回应差。未检查的账号不作判断。",
    why="未提供有效互动功能属于政务新媒体单项否决情形，账号判为不合格。",
    example="检查记录：“滁州某某”新浪微博　互动功能：否　备注：评论功能已关闭",
    fix="开通并保持留言、评论或私信功能，明确专人办理网民留言并及时回复。",
    basis="NM-V3 互动回应差（国办秘函〔2019〕19号 政务新媒体单项否决指标）",
    check=no_interaction,
    scope=Scope.MANUAL, emits=(("NM-V3", "no_interaction"),),
    needs=("account_checks",),
))


# --- NM-L1 信息转载任务 ------------------------------------------------------------------------

@dataclass(frozen=True)
class RepostTask:
    """One article a round requires accounts to repost (转载任务)."""

    title: str
    deadline: dt.datetime
    source: str = ""  # 来源, e.g. 中国政府网 / 安徽省人民政府
    issued: dt.datetime | None = None  # when the task was given; default deadline − lead_days
    platforms: tuple[Platform, ...] = ()  # empty: every platform
    accounts: tuple[str, ...] = ()  # 账号标识码 it applies to; empty: every account


def _bigrams(s: str) -> set[str]:
    return {s[i:i + 2] for i in range(len(s) - 1)} or ({s} if s else set())


def title_similarity(required: str, title: str, text: str = "") -> float:
    """How well a post matches a required title (0..1): the best of the character
    ratio and the share of the required title's bigrams found in the post's title; 1 when the
    whole required title appears in the post title or text. Punctuation, spaces and
    full/half-width differences are ignored."""
    a, b = normalise_name(required), normalise_name(title)
    if not a:
        return 0.0
    if b and (a in b or (b in a and len(b) >= 0.6 * len(a))):
        return 1.0
    if text and a in normalise_name(text):
        return 1.0
    if not b:
        return 0.0
    ratio = SequenceMatcher(None, a, b, autojunk=False).ratio()
    ga = _bigrams(a)
    recall = len(ga & _bigrams(b)) / len(ga)
    return max(ratio, recall)


def check_repost_tasks(accounts: Iterable[AccountFacts], tasks: Sequence[RepostTask],
                       t: dt.datetime, *, threshold: float | None = None,
                       lead_days: int | None = None) -> list[Finding]:
    """NM-L1: for each task due by ``t``, an account in its scope whose posts hold no post
    similar enough to the title by the deadline. A late repost is reported as late. Accounts
    whose posts are not known to be complete since the task was given are skipped."""
    conf = config()["repost"]
    threshold = conf["title_similarity"] if threshold is None else threshold
    lead = dt.timedelta(days=conf.get("lead_days", 7) if lead_days is None else lead_days)
    findings = []
    for facts in accounts:
        a = facts.account
        posts = facts.posts_until(t)
        for task in tasks:
            if task.deadline > t:
                continue  # not due yet
            if task.platforms and a.platform not in task.platforms:
                continue
            if task.accounts and a.code not in task.accounts:
                continue
            scored = [(title_similarity(task.title, p.title, p.text), p) for p in posts]
            matches = sorted((s for s in scored if s[0] >= threshold),
                             key=lambda s: s[1].published_at)
            on_time = [m for m in matches if m[1].published_at <= task.deadline]
            if on_time:
                continue
            since = task.issued or (task.deadline - lead)
            if not matches and not facts.covers(since):
                continue  # the posts we hold do not reach back to the task: cannot tell
            deadline = date_words(task.deadline)
            source = f"（来源：{task.source}）" if task.source else ""
            if matches:
                score, late = matches[0]
                message = (f"{_label(a)}未落实信息转载任务：《{task.title}》{source}"
                           f"于{date_words(late.published_at)}转载，晚于要求的{deadline}")
                item, url = "late", late.url
            else:
                best = max(scored, key=lambda s: s[0], default=(0.0, None))
                score = best[0]
                message = (f"{_label(a)}未落实信息转载任务：未转载《{task.title}》{source}"
                           f"（要求{deadline}前转载）")
                item, url = "not_reposted", ""
            findings.append(Finding(
                rule_id=REPOST_TASK.id, indicator_id="NM-L1", subject=a.code, message=message,
                evidence=_evidence(facts, task.title, url), item=item,
                confidence=Confidence.SUSPECTED,
                details={"task": task.title, "source": task.source,
                         "deadline": task.deadline.isoformat(), "similarity": round(score, 3),
                         "threshold": threshold},
            ))
    return findings


REPOST_TASK = register(Rule(
    id="GI-NM103",
    title="未落实信息转载任务",
    indicators=("NM-L1",),
    what="检查轮次给出须转载的文章清单（标题、来源、截止时间）。截止时间已过，账号在截止时间前"
    "没有发布标题相近的内容（按标题相似度而非完全一致判断，忽略标点、空格和全半角）即报未转载；"
    "截止后才转载的报转载不及时。账号内容采集不完整、覆盖不到任务下达时间的，不作判断。",
    why="转载上级重要政策信息是政务新媒体的规定任务，通报中“未落实信息转载任务”即指此项。",
    example="转载任务：《国务院办公厅关于进一步优化营商环境降低市场主体制度性交易成本的意见》"
    "（来源：中国政府网，2022年6月25日前）；“滁州交警”微信订阅号同期未发布该文。",
    fix="建立转载任务台账，收到任务后在规定时间内转载，并保留原标题和来源。",
    basis="滁州2022 NM-L1 信息转载（2022年第二季度通报“未落实信息转载任务”）；本条为疑似，需人工复核。",
    check=repost_tasks,
    scope=Scope.ACCOUNT, emits=(("NM-L1", "late"), ("NM-L1", "not_reposted")),
    needs=("accounts", "repost_tasks"),
))


# --- NM-D3 与本单位职能相关的政务信息 -----------------------------------------------------------

def unit_kind(account: AccountRef, kinds: Mapping[str, Any] | None = None) -> str:
    """The cue kind of the account's unit: ``account.unit_kind`` if set, else the kind whose
    longest ``match`` word appears in the account name, 主办单位 or 认证主体."""
    kinds = config()["kinds"] if kinds is None else kinds
    if account.unit_kind:
        return account.unit_kind if account.unit_kind in kinds else ""
    haystack = f"{account.name} {account.unit} {account.certified_subject}"
    best, best_len = "", 0
    for kind, entry in kinds.items():
        for word in entry.get("match") or ():
            if word in haystack and len(word) > best_len:
                best, best_len = kind, len(word)
    return best


def check_relevance(accounts: Iterable[AccountFacts], t: dt.datetime,
                    iset: IndicatorSet | str | None = None) -> list[Finding]:
    """NM-D3 (疑似): too few posts about the unit's duties in the window before ``t``.
    Accounts without posts in the window (that is NM-V2), or whose unit kind is unknown, are
    not judged; with incomplete posts only the share test runs."""
    conf = config()["relevance"]
    days = window_days(iset, "NM-D3", conf["window_days"])
    start = t - dt.timedelta(days=days)
    findings = []
    for facts in accounts:
        kind = unit_kind(facts.account)
        if not kind:
            continue
        cues = tuple(config()["kinds"][kind].get("cues") or ())
        posts = [p for p in facts.posts_until(t) if p.published_at > start]
        if not posts:
            continue
        related = [p for p in posts if any(c in f"{p.title}\n{p.text}" for c in cues)]
        share = len(related) / len(posts)
        too_few = facts.covers(start) and len(related) < conf["min_related"]
        low_share = len(posts) >= conf["min_posts"] and share < conf["min_share"]
        if not (too_few or low_share):
            continue
        sample = [p.title for p in posts if p not in related][:5]
        findings.append(Finding(
            rule_id=RELEVANCE.id, indicator_id="NM-D3", subject=facts.account.code,
            message=(f"{_label(facts.account)}缺少与本单位职能相关的政务信息"
                     f"（近{days}天发布{len(posts)}条，与职能相关{len(related)}条）"),
            evidence=_evidence(facts, "；".join(sample)), item="unrelated",
            confidence=Confidence.SUSPECTED,
            details={"kind": kind, "posts": len(posts), "related": len(related),
                     "window_days": days, "unrelated_titles": sample},
        ))
    return findings


RELEVANCE = register(Rule(
    id="GI-NM104",
    title="缺少与本单位职能相关的政务信息",
    indicators=("NM-D3",),
    what="按单位类型（发展改革、人社、住建、人防、财政、公安、交警、疾控等，见 "
    "rules/data/newmedia.yaml）的职能关键词，统计检查时间点前一段时间内（默认30天）账号发布内容中"
    "与本单位职能相关的条数；相关条数过少或占比过低即报疑似，由人工复核。",
    why="政务新媒体应围绕本单位职能发布政务信息；只转发娱乐、鸡汤、与业务无关的内容属于通报中"
    "“缺少与本单位职能相关的政务信息”的问题。",
    example="“滁州某某局”新浪微博近30天发布12条：《夏日养生小常识》《今日份好心情》……与职能相关0条",
    fix="围绕本单位职能、政策和办事服务策划发布内容，减少与业务无关的转发。",
    basis="NM-D3 与本单位业务无关（INDICATORS.md §5，地方扣分/通报项）；滁州2022年第二季度通报。",
    check=relevance,
    scope=Scope.ACCOUNT, emits=(("NM-D3", "unrelated"),),
    needs=("accounts",),
))


# --- NM-D2 菜单长期未更新 -----------------------------------------------------------------------

def check_menus(accounts: Iterable[AccountFacts], t: dt.datetime) -> list[Finding]:
    """NM-D2: a menu entry whose target holds nothing, or was last updated before
    t − ``menu_stale`` (one year). A date known only to the year counts as 31 December."""
    period = config()["menu_stale"]
    cutoff = t - relativedelta(**{k: int(v) for k, v in period.items()})
    findings = []
    for facts in accounts:
        for menu in facts.menus:
            if menu.empty:
                message = f"{_label(facts.account)}{menu.words}无信息更新"
                item = "empty_menu"
            elif (menu.last_updated is not None
                  and latest_in(menu.last_updated, menu.precision) < cutoff):
                when = date_words(menu.last_updated, menu.precision)
                message = f"{_label(facts.account)}{menu.words}最后一次更新时间为{when}"
                item = "stale_menu"
            else:
                continue
            findings.append(Finding(
                rule_id=STALE_MENU.id, indicator_id="NM-D2", subject=facts.account.code,
                message=message, evidence=_evidence(facts, menu.name, menu.url), item=item,
                details={"menu": menu.name, "last_updated": menu.last_updated.isoformat()
                         if menu.last_updated else None, "precision": menu.precision.value},
            ))
    return findings


STALE_MENU = register(Rule(
    id="GI-NM105",
    title="菜单栏目长期未更新或无信息",
    indicators=("NM-D2",),
    what="公众号底部菜单栏及子菜单指向的内容，最后更新时间早于检查时间点一年以上（只记到年份的按该年"
    "12月31日计），或菜单指向的页面没有任何信息，即报问题。数据来自检查记录的“菜单检查记录”表。",
    why="菜单是公众获取服务的入口，长期不更新或空白的菜单误导公众，通报中列为内容保障问题。",
    example="“滁州经开区凤凰办事处”微信订阅号底部菜单栏“平安会峰”最后一次更新时间为2020年",
    fix="更新菜单指向的内容；不再维护的菜单及时下线或调整。",
    basis="NM-D2 功能无法使用（菜单/链接/功能，INDICATORS.md §5）；滁州2022年第二季度通报。",
    check=menus,
    scope=Scope.ACCOUNT, emits=(("NM-D2", "empty_menu"), ("NM-D2", "stale_menu")),
    needs=("accounts",),
))


# --- NM-D4 僵尸账号 -------------------------------------------------------------------------------

_PERIOD_WORDS = {"years": "年", "months": "个月", "days": "天"}


def check_zombies(accounts: Iterable[AccountFacts], t: dt.datetime) -> list[Finding]:
    """NM-D4: no post for longer than ``zombie`` (3 months) before ``t`` ⇒ list for closing."""
    period = config()["zombie"]
    cutoff = t - relativedelta(**{k: int(v) for k, v in period.items()})
    words = "".join(f"{v}{_PERIOD_WORDS[k]}" for k, v in period.items())
    findings = []
    for facts in accounts:
        last = facts.last_post_at(t)
        if last is None or last >= cutoff:
            continue
        findings.append(Finding(
            rule_id=ZOMBIE.id, indicator_id="NM-D4", subject=facts.account.code,
            message=(f"{_label(facts.account)}最后一次更新为{date_words(last)}，超过{words}"
                     "未更新，属于“僵尸账号”，应列入清理整合名单"),
            evidence=_evidence(facts, shanghai(last).isoformat()), item="zombie",
            details={"last_post": last.isoformat(), "cutoff": cutoff.isoformat()},
        ))
    return findings


ZOMBIE = register(Rule(
    id="GI-NM106",
    title="僵尸账号（超过3个月未更新）",
    indicators=("NM-D4",),
    what="以检查时间点为准，账号最后一次发布内容早于3个月前（周期见 rules/data/newmedia.yaml），"
    "列为僵尸账号，进入清理整合名单。",
    why="长期不使用的账号存在被盗用、冒用和舆情风险；通报要求“对长期不使用、使用频率低的账号一律"
    "进行删除”。",
    example="“某某社区”微信订阅号最后一次更新为2022年1月5日，检查时间为2022年6月30日",
    fix="确无运营需要的账号按程序注销；需要保留的恢复日常更新。",
    basis="NM-D4 账号管理不规范（“僵尸账号”清理，INDICATORS.md §5）。",
    check=zombies,
    scope=Scope.ACCOUNT, emits=(("NM-D4", "zombie"),),
    needs=("accounts",),
))


# --- NM-D4 擅自开设 -------------------------------------------------------------------------------

def _ratio(a: str, b: str) -> float:
    a, b = normalise_name(a), normalise_name(b)
    if not a or not b:
        return 0.0
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


def match_registry(found: InspectionRecord, registry: Sequence[AccountRef]
                   ) -> tuple[AccountRef | None, float]:
    """The registry entry a found account is (same code, or same platform and a similar name,
    or a less similar name with the same 认证主体), with its name similarity."""
    conf = config()["unfiled"]
    if found.code:
        for a in registry:
            if a.code == found.code.upper():
                return a, 1.0
    best: tuple[AccountRef | None, float] = (None, 0.0)
    for a in registry:
        if a.platform != found.platform:
            continue
        name = _ratio(found.name, a.name)
        subject = _ratio(found.certified_subject, a.certified_subject)
        ok = name >= conf["name_similarity"] or (
            name >= conf["name_with_subject"] and subject >= conf["subject_similarity"])
        if ok and name > best[1]:
            best = (a, name)
    return best


def check_unfiled(found: Iterable[InspectionRecord], registry: Iterable[AccountRef]
                  ) -> list[Finding]:
    """NM-D4 (疑似): accounts found by inspectors that match no filed registry entry
    (擅自开设), and matched entries whose 认证主体 differs from the registry's."""
    conf = config()["unfiled"]
    registry = list(registry)
    findings = []
    for r in found:
        entry, score = match_registry(r, registry)
        subject_words = f"（认证主体：{r.certified_subject}）" if r.certified_subject else ""
        label = f"“{r.name}”{platform_words(r.platform)}"
        evidence = Evidence(url=r.url or r.where, context=r.name, span=Span(0, len(r.name)))
        if entry is None or not entry.filed:
            why = "未经报批，擅自在第三方平台开设账号" if entry is None else \
                "在名录中登记为未备案，未经报批擅自开设"
            findings.append(Finding(
                rule_id=UNFILED.id, indicator_id="NM-D4",
                subject=entry.code if entry else (r.code or r.name),
                message=f"{label}{subject_words}{why}", evidence=evidence, item="unfiled",
                confidence=Confidence.SUSPECTED,
                details={"platform": r.platform.value, "name": r.name,
                         "certified_subject": r.certified_subject, "where": r.where,
                         "registry_code": entry.code if entry else None},
            ))
            continue
        if (r.certified_subject and entry.certified_subject
                and _ratio(r.certified_subject, entry.certified_subject)
                < conf["subject_similarity"]):
            findings.append(Finding(
                rule_id=UNFILED.id, indicator_id="NM-D4", subject=entry.code,
                message=(f"{label}认证主体为“{r.certified_subject}”，与备案信息"
                         f"“{entry.certified_subject}”不一致"),
                evidence=evidence, item="subject_mismatch", confidence=Confidence.SUSPECTED,
                details={"found": r.certified_subject, "filed": entry.certified_subject,
                         "where": r.where, "name_similarity": round(score, 3)},
            ))
    return findings


UNFILED = register(Rule(
    id="GI-NM107",
    title="擅自开设政务新媒体账号 / 认证主体与备案不一致",
    indicators=("NM-D4",),
    what="检查人员全网搜索发现的账号（检查记录中账号标识码留空的行）与备案名录比对：同一平台上名称"
    "相近（或名称较相近且认证主体相同）的已备案账号视为同一账号；找不到或名录中标为未备案的，报擅自开设。"
    "找到的已备案账号认证主体与名录不一致的，报认证主体不一致。模糊比对，结果为疑似，需人工复核。",
    why="政务新媒体实行分级备案，未经报批擅自开设的账号应尽快履行注销手续；认证主体与备案不符说明"
    "备案信息失真。",
    example="“云上南谯”微信小程序（认证主体：滁州市南谯区人民政府办公室）未经报批，擅自在第三方平台开设账号",
    fix="未经报批的账号履行备案手续或注销；认证主体变化的及时更新备案信息或平台认证。",
    basis="NM-D4 账号管理不规范（报备信息与实际一致，INDICATORS.md §5）；滁州2022年第二季度通报"
    "“擅自开设政务新媒体账号现象依然存在”。",
    check=unfiled,
    scope=Scope.ACCOUNT, emits=(("NM-D4", "unfiled"), ("NM-D4", "subject_mismatch")),
    needs=("inspection_found", "roster_accounts"),
))


__all__ = [
    "RepostTask", "check_interaction", "check_menus", "check_not_updated",
    "check_relevance", "check_repost_tasks", "check_serious_errors", "check_unfiled",
    "check_zombies", "config", "match_registry", "title_similarity", "unit_kind", "window_days",
]
