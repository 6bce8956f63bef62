"""The scoring engine (pure): an indicator set + confirmed findings → a site's or an account's
result, with a trace from every point to the findings behind it.

The order is that of the national text (INDICATORS.md §1, §10.3):

1. vetoes (R2): an item fires when it has at least ``threshold`` findings (default 1);
   any fired item ⇒ 不合格, no further scoring; an item marked ``pending: true`` (W-V2's
   "the round could not inspect the site": homepage not fetched, no page captured) never
   fires: with no veto, such a finding makes the result 待核实 (no score, never ranked);
2. deductions (R3, R5, R9): per indicator Σ item points, capped; a column already counted
   under another indicator is not counted again;
3. normalisation: raw = base − Σ deductions, reported score₂ = raw × 100 / base, where base is
   the applicable maximum (per site kind, per unit; R6 is base 75 ⇒ × 4/3);
4. fail line (R3): score₂ < 60 ⇒ 不合格, no bonus;
5. bonus gate (R4): score₂ > 80 ⇒ bonus Σ min(indicator sum, cap), total ≤ bonus_total;
   final = (raw + bonus) × 100 / base.

Which findings count is decided before: the caller passes confirmed automatic findings and
manual findings. Comparisons use the score rounded as reported (2 decimals), so a site shown
with 80.00 never enters the bonus stage.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from govinspect.core.indicator_sets import IndicatorSet, dec
from govinspect.core.types import Finding, SiteRef

HUNDRED = Decimal(100)


def quantize(value: Decimal, decimals: int = 2) -> Decimal:
    """Round half up, as offices do by hand (88.571… → 88.57, 94.335 → 94.34)."""
    return value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class TraceLine:
    """One finding's contribution to an indicator."""

    fingerprint: str
    item: str
    points: Decimal  # 0 when the finding was not counted
    note: str = ""  # why not counted, e.g. R9


@dataclass(frozen=True)
class Veto:
    indicator_id: str
    item: str
    count: int
    threshold: int
    sentence: str
    problem: str
    fingerprints: tuple[str, ...]


@dataclass(frozen=True)
class Deduction:
    """Points taken (deduction) or given (bonus) under one indicator."""

    indicator_id: str
    raw: float  # sum of item points before the cap
    applied: float  # after the cap (R5)
    fingerprints: tuple[str, ...]  # the findings behind the points
    lines: tuple[TraceLine, ...] = ()

    @property
    def applied_exact(self) -> Decimal:
        return dec(self.applied)


Bonus = Deduction


@dataclass(frozen=True)
class SiteScore:
    site_code: str
    score: float | None  # reported final score (2 decimals); None when vetoed or veto-only
    passed: bool
    deductions: tuple[Deduction, ...] = field(default_factory=tuple)
    vetoes: tuple[Veto, ...] = ()
    bonuses: tuple[Deduction, ...] = ()
    base: Decimal = HUNDRED
    score2: Decimal | None = None  # normalised deduction score, rounded (before bonus)
    final: Decimal | None = None  # reported final score, rounded
    raw_final: Decimal | None = None  # base − deductions + bonus, before normalisation
    entered_bonus: bool = False
    veto_only: bool = False  # only vetoes apply to this site (e.g. 专项 in 滁州)
    bonus_capped: bool = False  # bonus_total limited the bonus
    # 待核实: the round could not inspect the site (the sentences of the ``pending`` items);
    # no score, neither 合格 nor 不合格, never ranked
    pending: tuple[str, ...] = ()

    @property
    def result(self) -> str:
        if self.pending:
            return "待核实"
        return "合格" if self.passed else "不合格"

    @property
    def score_text(self) -> str:
        """What the attachment prints: the score with 2 decimals, or 合格/不合格."""
        return f"{self.final}" if self.final is not None else self.result

    def explain(self) -> list[str]:
        """The trace in Chinese: every point and the findings behind it."""
        out: list[str] = []
        for v in self.vetoes:
            out.append(f"单项否决 {v.indicator_id}/{v.item}：{v.count} 处（阈值 {v.threshold}），"
                       f"{v.sentence}；问题：{', '.join(v.fingerprints)}")
        if self.vetoes:
            out.append("结果：不合格（单项否决，不再计分）")
            return out
        if self.pending:
            out.append(f"本轮未能检查：{'；'.join(self.pending)}")
            out.append("结果：待核实（不计分、不排名）")
            return out
        if self.veto_only:
            out.append("仅检查单项否决指标，未发现否决问题：合格")
            return out
        for d in self.deductions:
            capped = "（已达上限）" if d.applied < d.raw else ""
            out.append(f"扣分 {d.indicator_id}：-{d.applied}{capped}")
            out.extend(f"  {line.item} -{line.points} ← {line.fingerprint}"
                       + (f"（{line.note}）" if line.note else "") for line in d.lines)
        total = sum((d.applied_exact for d in self.deductions), Decimal(0))
        out.append(f"扣分得分：({self.base} - {total}) × 100 / {self.base} = {self.score2}")
        for b in self.bonuses:
            out.append(f"加分 {b.indicator_id}：+{b.applied}")
            out.extend(f"  {line.item} +{line.points} ← {line.fingerprint}" for line in b.lines)
        if self.entered_bonus:
            out.append(f"进入加分环节；最终得分：{self.raw_final} × 100 / {self.base} = {self.final}")
        out.append(f"结果：{self.result}")
        return out


def _column_key(f: Finding) -> str:
    return str(f.details.get("column") or f.evidence.url) if f.details else f.evidence.url


def _sum_points(iset: IndicatorSet, indicator_id: str, group: list[Finding],
                excluded: dict[str, str]) -> tuple[Decimal, tuple[TraceLine, ...]]:
    lines: list[TraceLine] = []
    total = Decimal(0)
    counted_once: set[str] = set()
    for f in group:
        if f.fingerprint in excluded:
            lines.append(TraceLine(f.fingerprint, f.item, Decimal(0), excluded[f.fingerprint]))
            continue
        entry = iset.item(indicator_id, f.item)
        if entry.get("once") and f.item in counted_once:
            lines.append(TraceLine(f.fingerprint, f.item, Decimal(0), "同一扣分项只计一次"))
            continue
        counted_once.add(f.item)
        points = dec(entry.get("points", 0))
        total += points
        lines.append(TraceLine(f.fingerprint, f.item, points))
    return total, tuple(lines)


def _group(findings: Iterable[Finding], subject: str, iset: IndicatorSet
           ) -> dict[str, list[Finding]]:
    by_indicator: dict[str, list[Finding]] = defaultdict(list)
    seen: set[str] = set()
    for f in findings:
        if f.subject != subject or f.indicator_id not in iset.indicators:
            continue
        if f.fingerprint in seen:  # the same problem reported twice counts once
            continue
        seen.add(f.fingerprint)
        by_indicator[f.indicator_id].append(f)
    return by_indicator


def _vetoes(iset: IndicatorSet, by_indicator: dict[str, list[Finding]],
            applicable: Iterable[str]) -> tuple[Veto, ...]:
    fired: list[Veto] = []
    for indicator_id in applicable:
        if iset.family(indicator_id) != "veto" or indicator_id not in by_indicator:
            continue
        by_item: dict[str, list[Finding]] = defaultdict(list)
        for f in by_indicator[indicator_id]:
            by_item[f.item].append(f)
        for item, group in by_item.items():
            entry = iset.item(indicator_id, item)
            if entry.get("pending"):
                continue
            threshold = int(entry.get("threshold", 1))
            if len(group) >= threshold:
                fired.append(Veto(indicator_id, item, len(group), threshold,
                                  iset.sentence(indicator_id, item),
                                  iset.problem(indicator_id, item),
                                  tuple(f.fingerprint for f in group)))
    return tuple(fired)


def _pending(iset: IndicatorSet, by_indicator: dict[str, list[Finding]],
             applicable: Iterable[str]) -> tuple[str, ...]:
    """The sentences of the ``pending`` items with a finding (the site was not inspected)."""
    out: list[str] = []
    for indicator_id in applicable:
        for f in by_indicator.get(indicator_id, ()):
            if iset.item(indicator_id, f.item).get("pending"):
                out.append(iset.sentence(indicator_id, f.item))
    return tuple(dict.fromkeys(out))


def score_site(site: SiteRef, findings: Iterable[Finding], iset: IndicatorSet, *,
               base: float | Decimal | None = None, no_service: bool = False) -> SiteScore:
    """Score one site. ``base`` overrides the applicable maximum for this unit; ``no_service``
    marks a unit without external service functions (R6)."""
    kind = site.kind.value
    applicable = [i for i in iset.indicators if iset.applies(i, kind, no_service=no_service)]
    by_indicator = _group(findings, site.code, iset)
    eff_base = dec(base) if base is not None else iset.base_for(kind, no_service=no_service)
    decimals = int(iset.scoring.get("decimals", 2))

    vetoes = _vetoes(iset, by_indicator, applicable)
    if vetoes:
        return SiteScore(site.code, None, False, vetoes=vetoes, base=eff_base)
    pending = _pending(iset, by_indicator, applicable)
    if pending:
        return SiteScore(site.code, None, False, base=eff_base, pending=pending)
    scored = [i for i in applicable if iset.family(i) in ("deduction", "bonus")]
    if not any(iset.family(i) == "deduction" for i in scored):
        return SiteScore(site.code, None, True, base=eff_base, veto_only=True)

    # R9: columns counted under these indicators are not counted again under the excluding one.
    deductions: list[Deduction] = []
    counted_columns: dict[str, set[str]] = defaultdict(set)
    order = sorted((i for i in scored if iset.family(i) == "deduction"),
                   key=lambda i: (bool(iset.indicators[i].get("not_if_counted_under")), i))
    for indicator_id in order:
        group = by_indicator.get(indicator_id, [])
        if not group:
            continue
        excluded: dict[str, str] = {}
        for other in iset.indicators[indicator_id].get("not_if_counted_under") or ():
            for f in group:
                if _column_key(f) in counted_columns[other]:
                    excluded[f.fingerprint] = f"已在 {other} 扣分，不重复扣分（R9）"
        raw, lines = _sum_points(iset, indicator_id, group, excluded)
        applied = min(raw, dec(iset.indicators[indicator_id]["cap"]))
        counted_columns[indicator_id].update(
            _column_key(f) for f in group if f.fingerprint not in excluded)
        deductions.append(Deduction(indicator_id, float(raw), float(applied),
                                    tuple(ln.fingerprint for ln in lines if ln.points), lines))
    deductions.sort(key=lambda d: _id_key(d.indicator_id))

    total_deducted = sum((dec(d.applied) for d in deductions), Decimal(0))
    raw2 = eff_base - total_deducted
    score2 = quantize(raw2 * HUNDRED / eff_base, decimals)
    fail_below = iset.threshold("fail_below", 60)
    bonus_above = iset.threshold("bonus_above", 80)
    passed = score2 >= fail_below

    bonuses: list[Deduction] = []
    entered = passed and score2 > bonus_above and any(iset.family(i) == "bonus" for i in scored)
    raw_final = raw2
    capped = False
    if entered:
        for indicator_id in scored:
            if iset.family(indicator_id) != "bonus" or indicator_id not in by_indicator:
                continue
            raw, lines = _sum_points(iset, indicator_id, by_indicator[indicator_id], {})
            applied = min(raw, dec(iset.indicators[indicator_id]["cap"]))
            bonuses.append(Deduction(indicator_id, float(raw), float(applied),
                                     tuple(ln.fingerprint for ln in lines if ln.points), lines))
        bonuses.sort(key=lambda b: _id_key(b.indicator_id))
        bonus = sum((dec(b.applied) for b in bonuses), Decimal(0))
        bonus_total = iset.threshold("bonus_total", 30)
        capped = bonus > bonus_total
        raw_final = raw2 + min(bonus, bonus_total)
    final = quantize(raw_final * HUNDRED / eff_base, decimals)
    return SiteScore(site.code, float(final), passed, tuple(deductions), (), tuple(bonuses),
                     eff_base, score2, final, raw_final, entered, False, capped)


def _id_key(indicator_id: str) -> tuple[str, int]:
    """W-D9 before W-D10: the prefix, then the number."""
    m = re.match(r"^(.*?)(\d+)$", indicator_id)
    return (m.group(1), int(m.group(2))) if m else (indicator_id, 0)


@dataclass(frozen=True)
class AccountScore:
    """政务新媒体: 合格 / 不合格 only (R7); problems are reported, not scored."""

    account_code: str
    passed: bool
    vetoes: tuple[Veto, ...] = ()
    problems: tuple[Finding, ...] = ()

    @property
    def result(self) -> str:
        return "合格" if self.passed else "不合格"


def score_account(account_code: str, findings: Iterable[Finding], iset: IndicatorSet
                  ) -> AccountScore:
    by_indicator = _group(findings, account_code, iset)
    applicable = iset.ids(subject="account")
    vetoes = _vetoes(iset, by_indicator, applicable)
    problems = tuple(f for i in applicable if iset.family(i) == "problem"
                     for f in by_indicator.get(i, ()))
    return AccountScore(account_code, not vetoes, vetoes, problems)
