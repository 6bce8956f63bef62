"""Simulated 咨询 questions (模拟网民咨询) and the 通报's reply statistics.

A person asks a simple question on each site and records when (and whether) an effective
answer came. The 通报 counts sites answered within 1 working day, within 5 working days
(but not 1), and later or never, each as a share of the sites checked.

* "Effective" is the inspector's judgement: a 推诿/敷衍 answer does not count as an answer.
* A site asked several questions is judged by its slowest one (one ignored question is not
  made good by a fast one).
* Working days: see ``govinspect.core.workdays`` for the exact definition.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from govinspect.core.rates import rate
from govinspect.core.workdays import WorkdayCalendar


@dataclass(frozen=True)
class Inquiry:
    site_code: str
    asked_at: dt.datetime
    answered_at: dt.datetime | None = None
    effective: bool = True  # inspector's judgement of the answer's quality
    question: str = ""
    note: str = ""


@dataclass(frozen=True)
class InquiryStats:
    limits: tuple[int, ...]  # e.g. (1, 5)
    counts: tuple[int, ...]  # sites in each band: ≤1, (1, 5], later or never
    denominator: int  # sites checked
    rates: tuple[Decimal | None, ...]  # one per limit band
    asked_sites: int
    outcome: dict[str, int | None] = field(default_factory=dict)  # site → elapsed wd or None

    @property
    def later_or_never(self) -> int:
        return self.counts[-1]


def elapsed(inquiry: Inquiry, calendar: WorkdayCalendar) -> int | None:
    """Working days used by an effective answer, None when there is none."""
    if inquiry.answered_at is None or not inquiry.effective:
        return None
    return calendar.elapsed_workdays(inquiry.asked_at, inquiry.answered_at)


def inquiry_stats(inquiries: Iterable[Inquiry], calendar: WorkdayCalendar, denominator: int,
                  limits: Sequence[int] = (1, 5)) -> InquiryStats:
    limits = tuple(sorted(limits))
    per_site: dict[str, int | None] = {}
    for inquiry in inquiries:
        used = elapsed(inquiry, calendar)
        if inquiry.site_code in per_site:
            before = per_site[inquiry.site_code]
            used = None if used is None or before is None else max(used, before)
        per_site[inquiry.site_code] = used
    counts = [0] * (len(limits) + 1)
    for used in per_site.values():
        band = next((i for i, lim in enumerate(limits) if used is not None and used <= lim),
                    len(limits))
        counts[band] += 1
    rates = tuple(rate(c, denominator) for c in counts[:-1])
    return InquiryStats(limits, tuple(counts), denominator, rates, len(per_site), per_site)
