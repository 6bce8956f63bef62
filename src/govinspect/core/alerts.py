"""Alerts that do not spam — the pure part (no I/O, no Django): when a W-V2 outage starts and
ends, when a rectification deadline is near or past, what the messages say, and how a 钉钉
robot URL is signed. The web/alerts app persists events and deliveries (the outbox) and sends.

Outages: a site is *down* after ``threshold`` consecutive failed visits (timeout, DNS,
refused, TLS, HTTP error, other); one outage alert then, none for the visits that follow, and
one recovery notice at the first successful visit after it. Slots that are not visits of the
site (missed, interrupted, policy) neither count nor break a run of failures.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from urllib.parse import parse_qsl, quote_plus, urlencode, urlsplit, urlunsplit

from govinspect.core.probes import ProbeOutcome


class AlertKind(StrEnum):
    OUTAGE = "outage"
    RECOVERY = "recovery"
    ROUND_FINISHED = "round_finished"
    DEADLINE_NEAR = "deadline_near"
    DEADLINE_OVERDUE = "deadline_overdue"

    @property
    def label(self) -> str:
        return KIND_LABELS[self]


KIND_LABELS = {
    AlertKind.OUTAGE: "网站无法访问",
    AlertKind.RECOVERY: "网站恢复访问",
    AlertKind.ROUND_FINISHED: "检查完成",
    AlertKind.DEADLINE_NEAR: "整改期限将到",
    AlertKind.DEADLINE_OVERDUE: "整改已逾期",
}


@dataclass(frozen=True)
class Event:
    """One thing to tell people about. ``key`` is its identity: the same event found twice
    (a rescan, a restart, two workers) has the same key and is stored and sent once."""

    kind: AlertKind
    key: str
    title: str
    body: str


# ── W-V2 outages ────────────────────────────────────────────────────────────────────────────

@dataclass(frozen=True)
class OutageState:
    """Where the scan of one site's probes stands: the last slot read, the current run of
    failures, and the slot whose failure made the site *down* (None: up)."""

    last_slot: int = -1
    streak: int = 0
    streak_start: int | None = None
    down_since: int | None = None


@dataclass(frozen=True)
class Visit:
    slot: int
    outcome: ProbeOutcome
    at: dt.datetime | None = None
    error: str = ""


def track_outages(state: OutageState, visits: Sequence[Visit], threshold: int, *,
                  subject: str, name: str, scope: str) -> tuple[OutageState, list[Event]]:
    """Advance ``state`` over ``visits`` (recorded slots in slot order; slots at or before
    ``state.last_slot`` are skipped) and return the outage/recovery events. ``scope`` makes
    the keys unique (the round); ``subject``/``name`` the site's code and name."""
    if threshold < 1:
        raise ValueError("threshold must be ≥ 1")
    events: list[Event] = []
    for v in sorted(visits, key=lambda v: v.slot):
        if v.slot <= state.last_slot:
            continue
        state = replace(state, last_slot=v.slot)
        if not v.outcome.counted:
            continue
        if v.outcome.failed:
            start = state.streak_start if state.streak else v.slot
            state = replace(state, streak=state.streak + 1, streak_start=start)
            if state.down_since is None and state.streak >= threshold:
                state = replace(state, down_since=start)
                events.append(Event(
                    AlertKind.OUTAGE, f"outage:{scope}:{subject}:{start}",
                    f"{name}（{subject}）无法访问",
                    f"{name}（{subject}）首页连续 {state.streak} 次访问失败"
                    f"（最近一次：{_when(v.at)}，{_outcome_text(v)}）。恢复访问后将另行通知。"))
        else:
            if state.down_since is not None:
                events.append(Event(
                    AlertKind.RECOVERY, f"recovery:{scope}:{subject}:{v.slot}",
                    f"{name}（{subject}）已恢复访问",
                    f"{name}（{subject}）首页于 {_when(v.at)} 恢复访问"
                    f"（此前自第 {state.down_since + 1} 次计划访问起无法访问）。"))
            state = replace(state, streak=0, streak_start=None, down_since=None)
    return state, events


OUTCOME_TEXT = {
    ProbeOutcome.TIMEOUT: "超时", ProbeOutcome.DNS: "域名解析失败",
    ProbeOutcome.REFUSED: "连接被拒绝", ProbeOutcome.TLS: "证书或加密连接错误",
    ProbeOutcome.HTTP_ERROR: "服务器返回错误", ProbeOutcome.OTHER: "其他错误",
}


def _outcome_text(v: Visit) -> str:
    text = OUTCOME_TEXT.get(v.outcome, v.outcome.value)
    return f"{text}：{v.error[:80]}" if v.error else text


def _when(at: dt.datetime | None) -> str:
    return at.strftime("%Y-%m-%d %H:%M") if at else "时间未知"


# ── rectification deadlines ─────────────────────────────────────────────────────────────────

@dataclass(frozen=True)
class OpenItem:
    id: int
    round_id: int
    unit_id: int
    unit: str
    title: str
    subject: str  # site or account name
    deadline: dt.date


def deadline_events(items: Iterable[OpenItem], today: dt.date, near_days: int
                    ) -> list[tuple[Event, OpenItem]]:
    """Per unit, round and deadline: one *near* event when the deadline is within
    ``near_days`` days, one *overdue* event once it has passed, each listing the unit's open
    items (one message, not one per item). Keys carry the deadline: a new deadline alerts
    anew. Returns (event, first item) pairs (the item names the unit and round)."""
    groups: dict[tuple, list[OpenItem]] = {}
    for it in sorted(items, key=lambda i: i.id):
        groups.setdefault((it.round_id, it.unit_id, it.deadline), []).append(it)
    events = []
    for (round_id, unit_id, deadline), rows in groups.items():
        left = (deadline - today).days
        listing = "\n".join(f"{i}. {it.subject}：{it.title}" for i, it in enumerate(rows, 1))
        if left < 0:
            event = Event(
                AlertKind.DEADLINE_OVERDUE, f"overdue:{round_id}:{unit_id}:{deadline:%Y%m%d}",
                f"{rows[0].unit}：整改已逾期",
                f"{rows[0].unit}有 {len(rows)} 项整改的期限 {deadline:%Y-%m-%d} 已过，尚未整改：\n"
                + listing)
        elif left <= near_days:
            when = "今天" if left == 0 else f"{left} 天后"
            event = Event(
                AlertKind.DEADLINE_NEAR, f"near:{round_id}:{unit_id}:{deadline:%Y%m%d}",
                f"{rows[0].unit}：整改期限将到",
                f"{rows[0].unit}有 {len(rows)} 项整改的期限为 {deadline:%Y-%m-%d}（{when}），"
                "请及时整改并在工作台标记已整改：\n" + listing)
        else:
            continue
        events.append((event, rows[0]))
    return events


def round_finished_event(round_id: int, name: str, sites: int, pages: int, findings: int,
                         pending: int) -> Event:
    return Event(AlertKind.ROUND_FINISHED, f"round:{round_id}:finished",
                 f"{name} 检查完成",
                 f"{name} 检查完成：检查网站 {sites} 家，采集页面 {pages} 个，"
                 f"发现问题 {findings} 条（待复核 {pending} 条）。请在工作台复核问题。")


# ── messages ────────────────────────────────────────────────────────────────────────────────

def digest_text(day: dt.date, entries: Sequence[tuple[str, str, str]]) -> tuple[str, str]:
    """One message for a recipient's day: (title, body) from (kind label, title, body)."""
    title = f"检查提醒日报（{day:%Y-%m-%d}，共 {len(entries)} 条）"
    lines = [title]
    by_kind: dict[str, list[tuple[str, str]]] = {}
    for label, t, b in entries:
        by_kind.setdefault(label, []).append((t, b))
    for label, rows in by_kind.items():
        lines.append(f"\n【{label}】{len(rows)} 条")
        lines.extend(f"{i}. {b}" for i, (_t, b) in enumerate(rows, 1))
    return title, "\n".join(lines)


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """钉钉 custom robot signing: Base64(HMAC-SHA256(secret, "timestamp\\nsecret"))."""
    digest = hmac.new(secret.encode("utf-8"), f"{timestamp_ms}\n{secret}".encode(),
                      hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def dingtalk_signed_url(url: str, secret: str, timestamp_ms: int) -> str:
    """The robot's webhook URL with ``timestamp`` and ``sign`` (URL-encoded) added."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
             if k not in ("timestamp", "sign")]
    query += [("timestamp", str(timestamp_ms)), ("sign", dingtalk_sign(secret, timestamp_ms))]
    return urlunsplit(parts._replace(query=urlencode(query, quote_via=quote_plus)))


def robot_payload(title: str, body: str) -> dict:
    """The text message both 企业微信 and 钉钉 group robots accept."""
    return {"msgtype": "text", "text": {"content": f"{title}\n{body}" if body else title}}
