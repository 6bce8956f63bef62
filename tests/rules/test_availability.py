"""GI-A001 (W-V2 站点无法访问): the veto from a week of homepage probes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from govinspect.core.indicator_sets import load_indicator_set
from govinspect.core.probes import ProbeOutcome, ProbeResult, plan_slots
from govinspect.core.types import Confidence, SiteKind, SiteRef
from govinspect.rules.availability import (
    UNREACHABLE_HOMEPAGE,
    AvailabilityThresholds,
    unreachable_homepage,
)
from govinspect.rules.base import all_rules

UTC = dt.UTC
T = dt.datetime(2022, 6, 30, 17, 0, tzinfo=UTC)
SITE = SiteRef(code="3411000013", name="滁州市交通运输局", homepage="http://jtj.chuzhou.gov.cn/",
               kind=SiteKind.DEPARTMENT)


def week(failures: dict[int, ProbeOutcome], per_day: int = 24,
         not_visited: dict[int, ProbeOutcome] | None = None) -> list[ProbeResult]:
    """A week of probes of SITE; slots in ``failures`` failed that way, the rest answered 200."""
    not_visited = not_visited or {}
    probes = []
    for s in plan_slots(SITE.code, T - dt.timedelta(days=7), T, per_day):
        outcome = failures.get(s.index) or not_visited.get(s.index) or ProbeOutcome.OK
        status = {ProbeOutcome.OK: 200, ProbeOutcome.HTTP_ERROR: 502}.get(outcome)
        latency = 15000 if outcome == ProbeOutcome.TIMEOUT else 180
        probes.append(ProbeResult(
            slot=s.index, planned_at=s.planned_at, outcome=outcome,
            probed_at=None if outcome == ProbeOutcome.MISSED else s.planned_at,
            status=status, latency_ms=latency))
    return probes


def test_the_rule_is_registered_with_every_doc_section():
    assert UNREACHABLE_HOMEPAGE in all_rules()
    assert UNREACHABLE_HOMEPAGE.indicators == ("W-V2",)


def test_a_site_down_one_night_crosses_5_percent_and_is_vetoed():
    # 168 visits; the server was down from 01:00 to 09:00 on the third night: 9 timeouts.
    night = {2 * 24 + h: ProbeOutcome.TIMEOUT for h in range(1, 10)}
    findings = unreachable_homepage(SITE, week(night))
    assert len(findings) == 1
    f = findings[0]
    assert (f.rule_id, f.indicator_id, f.item) == ("GI-A001", "W-V2", "unreachable")
    assert f.confidence == Confidence.CERTAIN
    assert f.evidence.url == SITE.homepage
    assert f.details["visits"] == 168 and f.details["failures"] == 9
    assert Decimal(f.details["ratio"]) == Decimal(9) / Decimal(168)
    assert f.details["failures_by_class"] == {"timeout": 9}
    assert [x["slot"] for x in f.details["first_failures"]] == sorted(night)[:9]
    assert "9次" in f.message and "168次" in f.message and "5.36%" in f.message


def test_exactly_5_percent_is_vetoed_and_just_below_is_not():
    # 140 visits (20 a day): 7 failures = 5.00 % (超过(含) ⇒ ≥), 6 failures = 4.29 %.
    seven = {i * 20: ProbeOutcome.HTTP_ERROR for i in range(7)}
    assert len(unreachable_homepage(SITE, week(seven, per_day=20))) == 1
    six = {i * 20: ProbeOutcome.HTTP_ERROR for i in range(6)}
    assert unreachable_homepage(SITE, week(six, per_day=20)) == []


def test_a_healthy_site_with_a_few_failures_is_not_vetoed():
    scattered = {5: ProbeOutcome.TIMEOUT, 70: ProbeOutcome.REFUSED, 150: ProbeOutcome.DNS}
    assert unreachable_homepage(SITE, week(scattered)) == []
    assert unreachable_homepage(SITE, week({})) == []
    assert unreachable_homepage(SITE, []) == []


def test_slots_the_prober_missed_are_not_failures_of_the_site():
    # The prober was down for two days: 48 slots missed; 6 real failures of 120 visits = 5 %,
    # but 120 < 7 × 20 visits: monitoring incomplete ⇒ only 疑似, for a person to confirm.
    missed = {i: ProbeOutcome.MISSED for i in range(24, 72)}
    failures = {i: ProbeOutcome.TIMEOUT for i in range(100, 106)}
    (f,) = unreachable_homepage(SITE, week(failures, not_visited=missed))
    assert f.confidence == Confidence.SUSPECTED
    assert f.details["visits"] == 120 and f.details["complete"] is False
    assert f.details["not_counted"] == {"missed": 48}
    assert "需人工确认" in f.message
    # The same downtime of the prober with a healthy site: nothing at all.
    assert unreachable_homepage(SITE, week({}, not_visited=missed)) == []
    # And missed slots alone never make a site fail.
    all_missed = {i: ProbeOutcome.MISSED for i in range(168)}
    assert unreachable_homepage(SITE, week({}, not_visited=all_missed)) == []


def test_thresholds_come_from_the_indicator_set_with_national_fallbacks():
    national = AvailabilityThresholds.from_indicator(
        load_indicator_set("national-2019").indicators.get("W-V2"))
    assert national == AvailabilityThresholds(7, 20, 15.0, Decimal("0.05"))
    strict = AvailabilityThresholds.from_indicator({"fail_ratio": 0.02, "window": {"days": 14}})
    assert strict == AvailabilityThresholds(14, 20, 15.0, Decimal("0.02"))
    assert AvailabilityThresholds.from_indicator(None) == AvailabilityThresholds()
    # A stricter local variant vetoes what the national set lets pass.
    four = {i * 30: ProbeOutcome.TIMEOUT for i in range(4)}  # 4 / 168 = 2.38 %
    assert unreachable_homepage(SITE, week(four)) == []
    lenient_window = AvailabilityThresholds.from_indicator({"fail_ratio": 0.02})
    assert len(unreachable_homepage(SITE, week(four), lenient_window)) == 1
