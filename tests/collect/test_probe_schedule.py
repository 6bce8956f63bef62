"""The availability probe schedule and clock (pure)."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from govinspect.core.probes import (
    NOT_COUNTED,
    ProbeOutcome,
    ScaledClock,
    parse_time_scale,
    plan_slots,
    site_offset,
)

UTC = dt.UTC
T = dt.datetime(2022, 6, 30, 17, 0, tzinfo=UTC)
START = T - dt.timedelta(days=7)


def test_a_week_has_at_least_20_probes_every_day_inside_the_window():
    slots = plan_slots("3411000013", START, T)
    assert len(slots) == 7 * 24
    per_day = Counter((s.planned_at - START) // dt.timedelta(days=1) for s in slots)
    assert sorted(per_day) == list(range(7))
    assert min(per_day.values()) >= 20
    assert all(START <= s.planned_at < T for s in slots)
    assert [s.index for s in slots] == list(range(len(slots)))
    gaps = {b.planned_at - a.planned_at for a, b in zip(slots, slots[1:], strict=False)}
    assert gaps == {dt.timedelta(hours=1)}  # at regular intervals


def test_offsets_are_deterministic_per_site_and_differ_between_sites():
    a1 = plan_slots("3411000013", START, T)
    a2 = plan_slots("3411000013", START, T)
    b = plan_slots("3411000014", START, T)
    assert a1 == a2
    assert a1[0].planned_at != b[0].planned_at
    offsets = {site_offset(f"34110000{i:02d}") for i in range(50)}
    assert len(offsets) == 50 and all(0 <= o < 1 for o in offsets)


def test_a_partial_last_day_and_slot_indices_do_not_depend_on_the_window_end():
    short = plan_slots("3411000013", START, START + dt.timedelta(days=1, hours=12), per_day=20)
    full = plan_slots("3411000013", START, T, per_day=20)
    assert 20 + 10 <= len(short) <= 20 + 11
    assert short == full[:len(short)]
    assert plan_slots("3411000013", T, T) == []
    with pytest.raises(ValueError):
        plan_slots("3411000013", START, T, per_day=0)


def test_a_compressed_clock_maps_a_day_to_a_minute_and_back():
    anchor = dt.datetime(2026, 1, 1, 8, 0, tzinfo=UTC)
    clock = ScaledClock(START, anchor, parse_time_scale("86400/60"))
    assert clock.round_time(anchor) == START
    assert clock.round_time(anchor + dt.timedelta(seconds=60)) == START + dt.timedelta(days=1)
    later = START + dt.timedelta(days=3, hours=5)
    assert abs(clock.round_time(clock.wall_time(later)) - later) < dt.timedelta(milliseconds=1)
    real = ScaledClock(START, START)
    assert real.wall_time(later) == later


@pytest.mark.parametrize("text", ["0", "-5", "abc", "1/0", "inf"])
def test_a_bad_time_scale_is_a_chinese_error(text):
    with pytest.raises(ValueError, match="时间压缩倍数"):
        parse_time_scale(text)


def test_only_real_visits_count():
    assert ProbeOutcome.TIMEOUT.failed and ProbeOutcome.HTTP_ERROR.failed
    assert not ProbeOutcome.OK.failed
    for outcome in NOT_COUNTED:
        assert not outcome.counted and not outcome.failed
