"""Availability probes (indicator W-V2): outcome classes, the probe schedule and the clock.

Pure: no I/O, no Django. The prober (``govinspect.web.rounds.probes``) persists what this
module plans; the rule (``govinspect.rules.availability``) judges what it recorded.

Time runs on two clocks. *Round time* is the time of the round's monitoring window (what the
schedule and the reports speak of); *wall time* is the prober's real clock. Normally they are
the same. The demo and the tests compress a round with ``time_scale`` (round seconds per wall
second, e.g. 86400/60: one round day lasts one wall minute); the schedule is computed in round
time either way, only the mapping to the wall clock changes — the same code path.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

DAY = timedelta(days=1)


class ProbeOutcome(StrEnum):
    OK = "ok"
    TIMEOUT = "timeout"
    DNS = "dns"
    REFUSED = "refused"
    TLS = "tls"
    HTTP_ERROR = "http_error"  # final status ≥ 400
    OTHER = "other"
    # Not visits of the site: they count neither as failures nor in the total.
    MISSED = "missed"  # the prober was down or too late: the slot was never probed
    INTERRUPTED = "interrupted"  # the prober died during the visit: its outcome is unknown
    POLICY = "policy"  # the address is refused by this round (private/loopback, closed world)

    @property
    def counted(self) -> bool:
        """Whether this outcome is a visit of the site (goes into the W-V2 ratio)."""
        return self not in NOT_COUNTED

    @property
    def failed(self) -> bool:
        return self.counted and self is not ProbeOutcome.OK


NOT_COUNTED = frozenset({ProbeOutcome.MISSED, ProbeOutcome.INTERRUPTED, ProbeOutcome.POLICY})

OUTCOME_LABELS = {
    ProbeOutcome.OK: "正常",
    ProbeOutcome.TIMEOUT: "访问超时",
    ProbeOutcome.DNS: "域名无法解析",
    ProbeOutcome.REFUSED: "连接被拒绝",
    ProbeOutcome.TLS: "证书或加密连接错误",
    ProbeOutcome.HTTP_ERROR: "服务器返回错误状态",
    ProbeOutcome.OTHER: "无法访问",
    ProbeOutcome.MISSED: "未探测（探测程序未运行）",
    ProbeOutcome.INTERRUPTED: "探测中断（结果未知）",
    ProbeOutcome.POLICY: "地址不在允许范围内",
}


@dataclass(frozen=True)
class ProbeResult:
    """One planned visit of one site's homepage and what happened."""

    slot: int
    planned_at: datetime  # round time
    outcome: ProbeOutcome
    probed_at: datetime | None = None  # round time the visit started; None when not probed
    status: int | None = None
    latency_ms: int | None = None
    late: bool = False
    url: str = ""  # the final URL after redirects
    error: str = ""


@dataclass(frozen=True)
class Slot:
    index: int  # 0-based over the whole window: day × per_day + i
    planned_at: datetime  # round time


def site_offset(site_code: str) -> float:
    """A fraction in [0, 1) of the slot interval, fixed per site, so that sites are not all
    probed at the same instant."""
    digest = hashlib.sha256(site_code.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def slot_interval(per_day: int) -> timedelta:
    return DAY / per_day


def plan_slots(site_code: str, window_start: datetime, window_end: datetime,
               per_day: int = 24) -> list[Slot]:
    """The planned probe times of a site over ``[window_start, window_end)``, in round time.

    Each day (counted from ``window_start``) has ``per_day`` slots at regular intervals,
    shifted by the site's offset; slot indices are stable: day × per_day + i, so a slot keeps
    its index whatever the window's end.
    """
    if per_day < 1:
        raise ValueError("per_day must be at least 1")
    if window_end <= window_start:
        return []
    interval = slot_interval(per_day)
    shift = interval * site_offset(site_code)
    days = math.ceil((window_end - window_start) / DAY)
    slots = []
    for day in range(days):
        for i in range(per_day):
            at = window_start + day * DAY + i * interval + shift
            if at >= window_end:
                break
            slots.append(Slot(day * per_day + i, at))
    return slots


@dataclass(frozen=True)
class ScaledClock:
    """Maps wall time to round time: round = window_start + (wall − anchor) × scale.

    With ``scale == 1`` and ``anchor == window_start`` both clocks are the same (production);
    a compressed run anchors ``window_start`` at the wall time it first started.
    """

    window_start: datetime
    anchor: datetime  # the wall time that corresponds to window_start
    scale: float = 1.0

    def __post_init__(self) -> None:
        if not (self.scale > 0 and math.isfinite(self.scale)):
            raise ValueError("time scale must be a positive number")

    def round_time(self, wall: datetime) -> datetime:
        return self.window_start + (wall - self.anchor) * self.scale

    def wall_time(self, round_time: datetime) -> datetime:
        return self.anchor + (round_time - self.window_start) / self.scale


def parse_time_scale(text: str | float | int) -> float:
    """``1440``, ``1440.0`` or ``86400/60`` → 1440.0; ValueError (in Chinese) otherwise."""
    value: float
    try:
        if isinstance(text, str) and "/" in text:
            num, _, den = text.partition("/")
            value = float(num) / float(den)
        else:
            value = float(text)
    except (ValueError, ZeroDivisionError) as exc:
        raise ValueError(f"时间压缩倍数无效：{text}（示例：1 或 86400/60）") from exc
    if not (value > 0 and math.isfinite(value)):
        raise ValueError(f"时间压缩倍数应为正数：{text}")
    return value
