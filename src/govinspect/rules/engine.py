"""The rule engine: the one place where rules run.

Every registered rule (``rules/base.py``) declares its scope; the engine runs the registry by
scope with a selection (rule ids; by default every rule that runs in a round) and checks what
comes back against each rule's declaration:

* a finding whose rule id, indicator or item the rule did not declare is rejected;
* a declared (indicator, item) that the round's indicator set does not know is rejected
  (``check_declarations``, before anything runs);
* an exception in one rule does not stop the others: it becomes a GI-E001 finding naming the
  rule, the place and the error (failure is information, never a silently clean page).

Strict mode (``GOVINSPECT_RULES_STRICT=1``, set by the test suite) raises instead, so a test
fails on the spot.

``analyse_round_pages`` is the page/site part of a round: captured pages stream past once
(extraction once per page, page rules, the page notes site rules need), then each site's rules
run over all its page facts.
"""

from __future__ import annotations

import dataclasses
import os
import statistics
import traceback
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from govinspect.core.indicator_sets import IndicatorSet
from govinspect.core.probes import ProbeResult
from govinspect.core.types import (
    CaptureRecord,
    Finding,
    LinkCheck,
    SearchFacts,
    SiteRef,
    TransportFacts,
)
from govinspect.extract import extract_page
from govinspect.rules.base import (
    ANY_ITEM,
    UNSCORED_INDICATORS,
    Rule,
    Scope,
    all_rules,
)
from govinspect.rules.inputs import PageInput, RoundContext, RuleFailure, SiteInput

STRICT_ENV = "GOVINSPECT_RULES_STRICT"
FAILURE_RULE = "GI-E001"


class RuleContractError(AssertionError):
    """A rule broke its declaration (strict mode), or declares what the set does not know."""


def strict_mode() -> bool:
    return os.environ.get(STRICT_ENV, "").strip() not in ("", "0", "false", "no")


@dataclass(frozen=True)
class Selection:
    """Which rules run. ``rule_ids`` None: every rule that runs by default (on-demand rules,
    such as the statistical 错别字 detector, only when named)."""

    rule_ids: frozenset[str] | None = None

    @classmethod
    def of(cls, ids: Iterable[str] | None) -> Selection:
        return cls(None if ids is None else frozenset(ids))

    def includes(self, rule: Rule) -> bool:
        if self.rule_ids is None:
            return rule.by_default
        return rule.id in self.rule_ids


ALL = Selection()


def rules_for(scope: Scope | str, selection: Selection | None = None) -> list[Rule]:
    """The selected rules of one scope, by id."""
    sel = selection or ALL
    return [r for r in all_rules() if r.scope == scope and sel.includes(r)]


def rule_ids(*scopes: Scope | str) -> list[str]:
    """Ids of the registered rules of these scopes (e.g. what the W-V2 prober writes, which a
    re-analysis of the pages must leave alone)."""
    return [r.id for r in all_rules() if r.scope in scopes]


def check_declarations(rules: Iterable[Rule], iset: IndicatorSet) -> None:
    """Every declared (indicator, item) must be known to the indicator set: an item the set
    does not list would never be scored. Indicators the set does not assess at all (e.g.
    NM-L1 outside 滁州's set), indicators without items and the never-scored ones (REVIEW)
    are not checked."""
    problems = []
    for rule in rules:
        for indicator, item in rule.emits:
            if indicator in UNSCORED_INDICATORS or item == ANY_ITEM:
                continue
            conf = iset.indicators.get(indicator)
            if conf is None:
                continue
            items = conf.get("items") or {}
            if items and item not in items:
                problems.append(f"{rule.id}: {indicator} 的扣分项 {item!r} 不在指标体系 "
                                f"{iset.id} 中")
    if problems:
        raise RuleContractError("；".join(problems))


_checked: set[tuple[str, int]] = set()


def _check_once(rules: list[Rule], iset: IndicatorSet) -> None:
    key = (iset.id, hash(tuple(r.id for r in rules)))
    if key not in _checked:
        check_declarations(rules, iset)
        _checked.add(key)


def _failure(rule: Rule, subject: str, url: str, error: str, ctx: RoundContext) -> list[Finding]:
    """GI-E001: the engine's report of a rule that failed (run like any engine-scope rule)."""
    from govinspect.rules.base import REGISTRY

    failure = REGISTRY.get(FAILURE_RULE)
    if failure is None or rule.id == FAILURE_RULE:  # pragma: no cover - the rule is shipped
        raise RuleContractError(f"{rule.id}: {error}")
    return failure.check(RuleFailure(rule.id, subject, url, error), ctx)


def run_rule(rule: Rule, data: object, ctx: RoundContext, *, subject: str = "",
             url: str = "", strict: bool | None = None) -> list[Finding]:
    """One rule on one input, its findings checked against its declaration."""
    strict = strict_mode() if strict is None else strict
    try:
        found = rule.check(data, ctx)
    except Exception as exc:
        if strict:
            raise
        last = traceback.extract_tb(exc.__traceback__)[-1:]
        where = f"（{last[0].filename.rsplit('/', 1)[-1]}:{last[0].lineno}）" if last else ""
        return _failure(rule, subject, url, f"{type(exc).__name__}: {exc}{where}", ctx)
    good: list[Finding] = []
    bad: list[str] = []
    for f in found:
        if f.rule_id != rule.id or not rule.may_emit(f.indicator_id, f.item):
            bad.append(f"{f.rule_id} {f.indicator_id}/{f.item!r}")
        else:
            good.append(f)
    if bad:
        message = f"{rule.id} 返回了未声明的问题：{'、'.join(bad)}"
        if strict:
            raise RuleContractError(message)
        good += _failure(rule, subject, url, message, ctx)
    return good


def run_scope(scope: Scope | str, data: object, ctx: RoundContext,
              selection: Selection | None = None, *, subject: str = "",
              url: str = "") -> list[Finding]:
    """Every selected rule of ``scope`` on one input."""
    rules = rules_for(scope, selection)
    _check_once(rules, ctx.indicator_set)
    out: list[Finding] = []
    for rule in rules:
        out += run_rule(rule, data, ctx, subject=subject, url=url)
    return out


# ── pages and sites of a round ─────────────────────────────────────────────────────────────

ATTACHMENT_SUFFIXES = (".pdf", ".doc", ".docx", ".xls", ".xlsx", ".wps", ".et")


def is_html(capture: CaptureRecord) -> bool:
    return capture.status == 200 and "html" in (capture.content_type or "").lower()


def is_attachment(capture: CaptureRecord) -> bool:
    path = urlsplit(capture.url).path.lower()
    return capture.status == 200 and path.endswith(ATTACHMENT_SUFFIXES)


def peer_latency_ms(per_site: Iterable[Iterable[ProbeResult]]) -> float | None:
    """The round's typical homepage latency: the median of the sites' medians."""
    from govinspect.rules.site_notes import median_latency_ms

    medians = [m for m in (median_latency_ms(p) for p in per_site) if m is not None]
    return float(statistics.median(medians)) if medians else None


def analyse_round_pages(sites: Iterable[SiteRef], pages: Iterable[PageInput],
                        link_checks: Iterable[LinkCheck], ctx: RoundContext,
                        on_page: Callable[[int], None] | None = None,
                        transport: Mapping[str, TransportFacts] | None = None,
                        traps: Mapping[str, list[dict]] | None = None,
                        faults: Mapping[str, list[dict]] | None = None,
                        probes: Mapping[str, list[ProbeResult]] | None = None,
                        first_seen: Mapping[str, dict[str, tuple[datetime, str]]] | None = None,
                        search: Mapping[str, SearchFacts] | None = None,
                        collected: Mapping[str, dict] | None = None,
                        selection: Selection | None = None,
                        ) -> dict[str, list[Finding]]:
    """All page and site findings of a round, by site code. Pages of unknown sites are
    ignored."""
    inputs = {s.code: SiteInput(s) for s in sites}
    for code, facts in (transport or {}).items():
        if code in inputs:
            inputs[code].transport = facts
    for code, facts in (search or {}).items():
        if code in inputs:
            inputs[code].search = facts
    for code, row in (collected or {}).items():
        if code in inputs:
            inputs[code].collected = dict(row)
    for code, notes in (traps or {}).items():
        if code in inputs:
            inputs[code].traps = list(notes)
    for code, rows in (faults or {}).items():
        if code in inputs:
            inputs[code].faults = list(rows)
    for code, results in (probes or {}).items():
        if code in inputs:
            inputs[code].probes = list(results)
    for code, seen in (first_seen or {}).items():
        if code in inputs:
            inputs[code].first_seen = dict(seen)
    peer = peer_latency_ms(data.probes for data in inputs.values())
    for data in inputs.values():
        data.peer_latency_ms = peer
    for check in link_checks:
        if check.site_code in inputs:
            inputs[check.site_code].link_checks.append(check)

    page_rules = rules_for(Scope.PAGE, selection)
    site_rules = rules_for(Scope.SITE, selection)
    _check_once(page_rules + site_rules, ctx.indicator_set)
    attachment_rules = [r for r in page_rules if r.needs_attachments]
    # page notes the selected site rules read, each once per page
    notes = {n.name: n for r in site_rules for n in r.page_notes}.values()
    # table layouts of message pages: fill 答复单位/答复内容 … before the site rules see them
    from govinspect.rules.site_interaction import completed as complete_message_facts

    findings: dict[str, list[Finding]] = defaultdict(list)
    for n, page in enumerate(pages, start=1):
        data = inputs.get(page.capture.site_code)
        if data is None:
            continue
        data.captures[page.capture.url] = page.capture
        if is_html(page.capture):
            facts = extract_page(page.body, page.capture.url, page.capture.fetched_at)
            view = dataclasses.replace(page, site=data.site, facts=facts)
            for rule in page_rules:
                findings[data.site.code] += run_rule(rule, view, ctx, subject=data.site.code,
                                                     url=page.capture.url)
            for note in notes:
                value = note.read(data.site, view, facts)
                if value is not None:
                    data.notes.setdefault(note.name, {})[page.capture.url] = value
            stored = dataclasses.replace(facts, main_text="")  # keep memory flat
            if facts.page_type == "message_detail":
                stored = complete_message_facts(stored, page.body)
            data.pages.append(stored)
        elif is_attachment(page.capture):
            view = dataclasses.replace(page, site=data.site)
            for rule in attachment_rules:
                findings[data.site.code] += run_rule(rule, view, ctx, subject=data.site.code,
                                                     url=page.capture.url)
        if on_page:
            on_page(n)
    gates = [r for r in site_rules if r.gate]
    others = [r for r in site_rules if not r.gate]
    for data in inputs.values():
        code = data.site.code
        gated = [f for r in gates
                 for f in run_rule(r, data, ctx, subject=code, url=data.site.homepage)]
        if gated:
            findings[code] = gated
            continue
        for rule in others:
            findings[code] += run_rule(rule, data, ctx, subject=code, url=data.site.homepage)
    return {code: findings.get(code, []) for code in inputs}
