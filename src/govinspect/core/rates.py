"""Rates and their change between rounds, as the 通报 states them.

A rate is count / total × 100, rounded half up to 2 decimals (50/53 → 94.34). The change
against the previous round is the difference of the two *reported* (rounded) rates, in
percentage points, so the sentence always agrees with the two figures a reader can see
(66.04 − 64.20 = 1.84).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal


def rate(count: int, total: int, decimals: int = 2) -> Decimal | None:
    """Percent with ``decimals`` places; None when there is nothing to divide by."""
    if total <= 0:
        return None
    value = Decimal(count) * 100 / Decimal(total)
    return value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def percent(value: Decimal | None) -> str:
    return "—" if value is None else f"{value}%"


def change(current: Decimal | None, previous: Decimal | None) -> Decimal | None:
    if current is None or previous is None:
        return None
    return current - Decimal(str(previous)).quantize(current)


def change_phrase(current: Decimal | None, previous: Decimal | None,
                  period: str = "上个季度") -> str:
    """'较上个季度提高1.84个百分点' / '较上个季度下降0.50个百分点' / '与上个季度持平'.

    Empty when there is no previous figure (first round), so the sentence just omits it.
    """
    delta = change(current, previous)
    if delta is None:
        return ""
    if delta == 0:
        return f"与{period}持平"
    word = "提高" if delta > 0 else "下降"
    return f"较{period}{word}{abs(delta)}个百分点"
