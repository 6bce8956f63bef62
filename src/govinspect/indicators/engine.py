"""The scoring engine (pure): an indicator set + confirmed findings → a site's score.

This first version covers deduction indicators with per-item points and per-indicator caps
(R3, R5); vetoes, the bonus gate and normalisation come with the scoring issue.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from govinspect.core.types import Finding, SiteRef
from govinspect.indicators.sets import IndicatorSet


@dataclass(frozen=True)
class Deduction:
    indicator_id: str
    raw: float  # sum of item points before the cap
    applied: float  # after the cap (R5)
    fingerprints: tuple[str, ...]  # the findings behind the points


@dataclass(frozen=True)
class SiteScore:
    site_code: str
    score: float
    passed: bool
    deductions: tuple[Deduction, ...] = field(default_factory=tuple)


def _applies(indicator: dict, site: SiteRef) -> bool:
    kinds = indicator.get("applies_to")
    return not kinds or site.kind.value in kinds


def score_site(site: SiteRef, findings: Iterable[Finding], iset: IndicatorSet) -> SiteScore:
    by_indicator: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        if f.subject == site.code and f.indicator_id in iset.indicators:
            by_indicator[f.indicator_id].append(f)

    deductions: list[Deduction] = []
    for indicator_id in sorted(by_indicator):
        indicator = iset.indicators[indicator_id]
        if indicator.get("family") != "deduction" or not _applies(indicator, site):
            continue
        group = by_indicator[indicator_id]
        raw = sum(iset.item_points(indicator_id, f.item) for f in group)
        applied = min(raw, iset.cap(indicator_id))
        deductions.append(Deduction(indicator_id, round(raw, 2), round(applied, 2),
                                    tuple(f.fingerprint for f in group)))

    total = float(iset.scoring.get("deduction_total", 100))
    score = round(total - sum(d.applied for d in deductions), 2)
    passed = score >= float(iset.scoring.get("fail_below", 60))
    return SiteScore(site.code, score, passed, tuple(deductions))
