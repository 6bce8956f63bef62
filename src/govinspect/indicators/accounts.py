"""政务新媒体 accounts: the roster fields scoring needs, and NM-V2 (内容不更新) from the time of
the last post. Until platform adapters exist, last-post times come from an .xlsx import
(``govinspect.indicators.imports.read_accounts``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta

from govinspect.core.types import Evidence, Finding
from govinspect.indicators.sets import IndicatorSet
from govinspect.rules.base import Rule, register


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
        check=stale_accounts,
    )
)
