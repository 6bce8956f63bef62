"""A round's aggregate (pure): per-site and per-account results → the figures of the 通报.

Rates have two decimals (``core.rates``); rankings are by final score, highest first, ties
kept in roster order (the order the sites are given in); "change vs the previous round" is
the difference of the reported rates in percentage points.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from govinspect.core.indicator_sets import IndicatorSet, dec
from govinspect.core.newmedia import AccountEntry
from govinspect.core.rates import change, rate
from govinspect.core.types import Finding, SiteRef
from govinspect.core.workdays import WorkdayCalendar
from govinspect.indicators.engine import AccountScore, SiteScore, score_account, score_site
from govinspect.indicators.inquiries import Inquiry, InquiryStats, inquiry_stats


@dataclass(frozen=True)
class SiteEntry:
    """A roster site as the round sees it."""

    site: SiteRef
    region: str = ""  # 市直部门 / 琅琊区 …
    short_name: str = ""  # 简称 used in the 通报 text (市供销社, 琅琊区 …)
    base: Decimal | float | None = None  # per-unit applicable maximum (None: by kind)
    no_service: bool = False  # R6: no external service functions

    @property
    def label(self) -> str:
        return self.short_name or self.site.name


@dataclass(frozen=True)
class SiteResult:
    entry: SiteEntry
    score: SiteScore


@dataclass(frozen=True)
class AccountResult:
    entry: AccountEntry
    score: AccountScore


@dataclass(frozen=True)
class RankedSite:
    rank: int
    result: SiteResult

    @property
    def score_text(self) -> str:
        return self.result.score.score_text


@dataclass(frozen=True)
class SummaryOptions:
    ranking_kinds: tuple[str, ...] = ("部门",)  # ranked with scores (附件1)
    ranking_pass_kinds: tuple[str, ...] = ("专项",)  # listed after them as 合格 (veto-only)
    top_at_least: Decimal = Decimal(90)  # "得分在90分以上" and 评分靠前
    above: Decimal = Decimal(100)  # "得分超过100分"
    inquiry_limits: tuple[int, ...] = (1, 5)


@dataclass(frozen=True)
class RoundSummary:
    set_id: str
    sites: tuple[SiteResult, ...]
    accounts: tuple[AccountResult, ...]
    sites_checked: int
    sites_failed: tuple[SiteResult, ...]
    site_pass_rate: Decimal | None
    entered_bonus: tuple[SiteResult, ...]
    entered_bonus_rate: Decimal | None
    above: tuple[SiteResult, ...]  # final > options.above
    at_least: tuple[SiteResult, ...]  # final ≥ options.top_at_least, portals first
    ranking: tuple[RankedSite, ...]
    accounts_checked: int
    accounts_failed: tuple[AccountResult, ...]
    account_pass_rate: Decimal | None
    accounts_by_region: tuple[tuple[str, int], ...]
    inquiries: InquiryStats | None
    metrics: dict[str, Decimal | None] = field(default_factory=dict)
    changes: dict[str, Decimal | None] = field(default_factory=dict)
    previous: dict[str, Decimal] = field(default_factory=dict)
    options: SummaryOptions = SummaryOptions()
    # 待核实: sites the round could not inspect (SiteScore.pending); in none of the counts,
    # rates or rankings above
    sites_pending: tuple[SiteResult, ...] = ()


def _final(result: SiteResult) -> Decimal:
    return result.score.final if result.score.final is not None else Decimal("-1")


def summarise(set_id: str, site_results: Sequence[SiteResult],
              account_results: Sequence[AccountResult], *,
              inquiries: InquiryStats | None = None,
              previous: Mapping[str, Decimal | float | str] | None = None,
              regions: Sequence[str] = (),
              options: SummaryOptions = SummaryOptions()) -> RoundSummary:
    pending = tuple(r for r in site_results if r.score.pending)
    site_results = [r for r in site_results if not r.score.pending]
    checked = len(site_results)
    failed = tuple(r for r in site_results if not r.score.passed)
    entered = tuple(r for r in site_results if r.score.entered_bonus)
    above = tuple(r for r in site_results
                  if r.score.final is not None and r.score.final > options.above)
    at_least = [r for r in site_results
                if r.score.final is not None and r.score.final >= options.top_at_least]
    # portals first (the 通报 names them first), each group by score, ties in roster order
    at_least.sort(key=lambda r: (r.entry.site.kind.value != "门户", -_final(r)))

    ranked = sorted((r for r in site_results if r.entry.site.kind.value in options.ranking_kinds
                     and r.score.final is not None), key=lambda r: -_final(r))
    ranked += [r for r in site_results if r.entry.site.kind.value in options.ranking_pass_kinds
               and r.score.passed and r.score.final is None]
    ranking = tuple(RankedSite(i, r) for i, r in enumerate(ranked, start=1))

    acc_failed = tuple(a for a in account_results if not a.score.passed)
    order = list(regions) or list(dict.fromkeys(a.entry.region for a in account_results))
    counts = {region: 0 for region in order}
    for a in account_results:
        counts[a.entry.region] = counts.get(a.entry.region, 0) + 1

    metrics: dict[str, Decimal | None] = {
        "site_pass_rate": rate(checked - len(failed), checked),
        "entered_bonus_rate": rate(len(entered), checked),
        "account_pass_rate": rate(len(account_results) - len(acc_failed), len(account_results)),
    }
    if inquiries is not None:
        for limit, value in zip(inquiries.limits, inquiries.rates, strict=True):
            metrics[f"inquiry_within_{limit}_rate"] = value
    prev = {k: dec(v) for k, v in (previous or {}).items()}
    changes = {k: change(v, prev.get(k)) for k, v in metrics.items()}
    return RoundSummary(
        set_id, tuple(site_results), tuple(account_results), checked, failed,
        metrics["site_pass_rate"], entered, metrics["entered_bonus_rate"], above,
        tuple(at_least), ranking, len(account_results), acc_failed,
        metrics["account_pass_rate"], tuple(counts.items()), inquiries, metrics, changes, prev,
        options, pending)


def score_round(iset: IndicatorSet, sites: Sequence[SiteEntry], findings: Iterable[Finding], *,
                accounts: Sequence[AccountEntry] = (),
                reference_time: dt.datetime | None = None,
                inquiries: Iterable[Inquiry] = (),
                calendar: WorkdayCalendar | None = None,
                previous: Mapping[str, Decimal | float | str] | None = None,
                regions: Sequence[str] = (),
                options: SummaryOptions = SummaryOptions()) -> RoundSummary:
    """Score every site and account of a round and aggregate.

    ``findings``: confirmed automatic findings and manual findings (sites and accounts).
    NM-V2 findings are added from the accounts' last-post times when ``reference_time`` is set.
    """
    findings = list(findings)
    if reference_time is not None:
        from govinspect.rules.base import Scope
        from govinspect.rules.engine import run_scope
        from govinspect.rules.inputs import ManualInput, RoundContext

        ctx = RoundContext(reference_time=reference_time, indicator_set=iset)
        findings += run_scope(Scope.MANUAL, ManualInput(accounts=tuple(accounts)), ctx)
    by_subject: dict[str, list[Finding]] = {}
    for f in findings:
        by_subject.setdefault(f.subject, []).append(f)
    site_results = [
        SiteResult(e, score_site(e.site, by_subject.get(e.site.code, ()), iset,
                                 base=e.base, no_service=e.no_service))
        for e in sites]
    account_results = [AccountResult(a, score_account(a.code, by_subject.get(a.code, ()), iset))
                       for a in accounts]
    inquiry_list = list(inquiries)
    stats = None
    if inquiry_list:
        stats = inquiry_stats(inquiry_list, calendar or WorkdayCalendar.load(), len(sites),
                              options.inquiry_limits)
    return summarise(iset.id, site_results, account_results, inquiries=stats,
                     previous=previous, regions=regions, options=options)
