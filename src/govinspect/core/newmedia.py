"""政务新媒体 domain types: an account of the roster, a post, what inspectors recorded by hand,
and the facts the new-media rules judge. Pure: no I/O, no Django.

Times are timezone-aware. Platforms show times in China time; ``SHANGHAI`` is used wherever a
platform gives a wall-clock time without a zone.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from dateutil.relativedelta import relativedelta

from govinspect.core.roster import PLATFORM_ALIASES, Platform

try:
    from zoneinfo import ZoneInfo

    SHANGHAI: dt.tzinfo = ZoneInfo("Asia/Shanghai")
except Exception:  # noqa: BLE001 - no tz database: China has kept UTC+8 without DST since 1991
    SHANGHAI = dt.timezone(dt.timedelta(hours=8), "Asia/Shanghai")


class Precision(StrEnum):
    """How exactly a time is known ("06-25" on Weibo is a day, "2020年" in a record a year)."""

    SECOND = "second"
    MINUTE = "minute"
    HOUR = "hour"
    DAY = "day"
    MONTH = "month"
    YEAR = "year"


def platform_of(text: str) -> Platform | None:
    """The roster platform for what an office or a source writes (微信订阅号 → 微信公众号)."""
    text = (text or "").strip()
    if text in PLATFORM_ALIASES:
        return PLATFORM_ALIASES[text]
    try:
        return Platform(text)
    except ValueError:
        return None


def shanghai(value: dt.datetime) -> dt.datetime:
    """An aware datetime in China time; a naive one is taken to be China time already."""
    if value.tzinfo is None:
        return value.replace(tzinfo=SHANGHAI)
    return value.astimezone(SHANGHAI)


def latest_in(start: dt.datetime, precision: Precision) -> dt.datetime:
    """The last instant that a time known only to ``precision`` can stand for."""
    local = shanghai(start)
    if precision in (Precision.SECOND, Precision.MINUTE):
        return local
    if precision is Precision.HOUR:
        return local.replace(minute=59, second=59)
    end_of_day = dt.time(23, 59, 59, tzinfo=local.tzinfo)
    if precision is Precision.DAY:
        return dt.datetime.combine(local.date(), end_of_day)
    if precision is Precision.MONTH:
        nxt = (local.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        return dt.datetime.combine(nxt.date() - dt.timedelta(days=1), end_of_day)
    return dt.datetime.combine(dt.date(local.year, 12, 31), end_of_day)


def date_words(value: dt.datetime, precision: Precision = Precision.DAY) -> str:
    """2020年 / 2020年5月 / 2020年5月6日, as the 通报 writes dates."""
    v = shanghai(value)
    if precision is Precision.YEAR:
        return f"{v.year}年"
    if precision is Precision.MONTH:
        return f"{v.year}年{v.month}月"
    return f"{v.year}年{v.month}月{v.day}日"


@dataclass(frozen=True)
class AccountRef:
    """The parts of a roster account (备案 registry entry) that the new-media rules need."""

    code: str  # 账号标识码, e.g. 341100M007XL0002
    platform: Platform
    name: str
    certified_subject: str = ""  # 认证主体
    filed: bool = True  # 是否备案
    unit: str = ""  # 主办单位
    region: str = ""
    unit_kind: str = ""  # key of the relevance cues (发展改革, 公安 …); empty: guessed from names

    @property
    def label(self) -> str:
        """“滁州治安在线”新浪微博 — how the 通报 names an account."""
        return f"“{self.name}”{platform_words(self.platform)}"


def platform_words(platform: Platform | str) -> str:
    """The 通报 says 微信订阅号 for a 公众号."""
    value = platform.value if isinstance(platform, Platform) else str(platform)
    return "微信订阅号" if value == Platform.WECHAT_OA.value else value


@dataclass(frozen=True)
class Post:
    """One post of an account, as an adapter read it."""

    platform: Platform
    account_name: str
    title: str
    published_at: dt.datetime | None  # aware; None = undated, never counts as an update (R8)
    url: str = ""
    text: str = ""
    post_id: str = ""
    account_id: str = ""  # platform user id, gh_ id, feed URL …
    is_repost: bool = False  # a 转发 (Weibo retweet) of another account's post
    repost_of: str = ""  # the original author of a repost
    precision: Precision = Precision.SECOND
    pinned: bool = False  # 置顶: shown first whatever its age
    source: str = ""  # which adapter: weibo-json / wechat-page / feed / inspection

    @property
    def latest_possible(self) -> dt.datetime | None:
        """The latest time the post may have been published (a "06-25" post: 23:59:59)."""
        if self.published_at is None:
            return None
        return latest_in(self.published_at, self.precision)


@dataclass(frozen=True)
class Menu:
    """One menu entry of an account (公众号 底部菜单栏 and its 子菜单)."""

    path: tuple[str, ...]  # ("平安会峰",) or ("防病专题", "慢性病防治和健康教育")
    last_updated: dt.datetime | None = None  # last update of the menu's target content
    precision: Precision = Precision.DAY
    empty: bool = False  # the target holds no information at all
    url: str = ""

    @property
    def name(self) -> str:
        return "—".join(self.path)

    @property
    def words(self) -> str:
        """底部菜单栏“平安会峰” / 子菜单“防病专题—慢性病防治和健康教育”."""
        return f"{'底部菜单栏' if len(self.path) == 1 else '子菜单'}“{self.name}”"


@dataclass(frozen=True)
class InspectionRecord:
    """One row of the inspectors' hand-kept record (for platforms without a usable source, and
    for accounts found by searching). ``code`` is empty for an account not in the roster."""

    platform: Platform
    name: str
    code: str = ""
    certified_subject: str = ""
    last_post: dt.datetime | None = None
    last_post_precision: Precision = Precision.DAY
    interaction: bool | None = None  # 有效互动功能: None = not checked
    checked_at: dt.datetime | None = None
    url: str = ""
    notes: str = ""
    menus: tuple[Menu, ...] = ()
    where: str = ""  # "账号检查记录 第3行"


@dataclass(frozen=True)
class AccountFacts:
    """Everything known about one roster account at inspection time.

    ``complete_since``: the posts are complete from this time up to ``captured_at`` (an adapter
    that read one page of a timeline sets the oldest post's time). ``None`` means the posts are
    not known to be complete: rules that judge the *absence* of a post (转载, relevance) skip
    the account rather than guess.
    """

    account: AccountRef
    posts: tuple[Post, ...] = ()
    captured_at: dt.datetime | None = None
    complete_since: dt.datetime | None = None
    last_post: dt.datetime | None = None  # recorded by hand, when there are no posts
    last_post_precision: Precision = Precision.DAY
    menus: tuple[Menu, ...] = ()
    interaction: bool | None = None
    url: str = ""
    notes: str = ""

    def posts_until(self, t: dt.datetime) -> list[Post]:
        """Dated posts published at or before ``t``, newest first."""
        out = [p for p in self.posts if p.published_at is not None and p.published_at <= t]
        return sorted(out, key=lambda p: p.published_at, reverse=True)

    def last_post_at(self, t: dt.datetime) -> dt.datetime | None:
        """The latest publication time at or before ``t`` (posts and the hand record);
        a date known only to the day counts as late in that day, capped at ``t``."""
        times = [min(p.latest_possible, t) for p in self.posts_until(t)]
        if self.last_post is not None and self.last_post <= t:
            times.append(min(latest_in(self.last_post, self.last_post_precision), t))
        return max(times) if times else None

    def covers(self, start: dt.datetime) -> bool:
        """Whether every post from ``start`` on is known."""
        return self.complete_since is not None and self.complete_since <= start


def facts_from_posts(account: AccountRef, posts: Iterable[Post], captured_at: dt.datetime,
                     *, complete_since: dt.datetime | None = None, **extra) -> AccountFacts:
    """Facts from one capture of a timeline. Without ``complete_since`` the posts are taken to
    be complete back to the oldest dated one (a page of a timeline holds every post since)."""
    posts = tuple(posts)
    if complete_since is None:
        dated = [p.published_at for p in posts if p.published_at is not None]
        complete_since = min(dated) if dated else None
    return AccountFacts(account=account, posts=posts, captured_at=captured_at,
                        complete_since=complete_since, **extra)


def facts_from_records(records: Iterable[InspectionRecord], registry: Iterable[AccountRef]
                       ) -> tuple[list[AccountFacts], list[InspectionRecord]]:
    """Join hand records to the roster by 账号标识码. Returns the facts of roster accounts and
    the records without a roster code (to be checked as possibly unfiled accounts)."""
    by_code = {a.code: a for a in registry}
    facts: list[AccountFacts] = []
    loose: list[InspectionRecord] = []
    for r in records:
        account = by_code.get(r.code.upper()) if r.code else None
        if account is None:
            loose.append(r)
            continue
        facts.append(AccountFacts(
            account=account, captured_at=r.checked_at, last_post=r.last_post,
            last_post_precision=r.last_post_precision, menus=r.menus,
            interaction=r.interaction, url=r.url, notes=r.notes,
        ))
    return facts, loose


# --- names --------------------------------------------------------------------------------

_DROP = re.compile(r"[\s\W_]+", re.UNICODE)


def normalise_name(text: str) -> str:
    """For fuzzy comparison: full-width → half-width, case folded, spaces and punctuation
    (including 【】《》“”) dropped."""
    return _DROP.sub("", unicodedata.normalize("NFKC", text or "")).casefold()


@dataclass(frozen=True)
class AccountEntry:
    code: str  # 新媒体标识码
    name: str
    platform: str  # 微信订阅号 / 新浪微博 / 抖音 …
    region: str  # 市直部门 / 琅琊区 … (the 通报 counts accounts per region)
    owner: str = ""  # 认证主体
    last_post: dt.datetime | None = None  # None: never posted or unknown
    url: str = ""


def window_start(t: dt.datetime, window: dict) -> dt.datetime:
    """t minus a calendar window ({days: N} / {months: N} / {years: N}; calendar months)."""
    return t - relativedelta(days=int(window.get("days", 0)),
                             months=int(window.get("months", 0)),
                             years=int(window.get("years", 0)))
