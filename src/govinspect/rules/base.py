"""The rule registry: every rule is a small documented unit, like a linter's.

A rule has an id (``GI-L001`` …), documentation in fixed sections (规则说明 / 为什么重要 / 示例 /
整改建议 / 依据), a scope (what it looks at: one page, one site, the round's accounts, the
homepage probes, a person's entry), the facts it needs, the (indicator id, item) pairs it may
emit, and one function ``check(input, ctx) -> list[Finding]`` with the scope's typed input
(``rules/inputs.py``). The engine (``rules/engine.py``) runs the registry by scope; nothing
else runs a rule. The rules reference page is generated from this registry, so a rule without
documentation cannot be registered.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from govinspect.core.types import Finding


class Scope(StrEnum):
    """What one call of a rule's ``check`` looks at (its input type, rules/inputs.py)."""

    PAGE = "page"  # PageInput: one captured HTML page (attachments: rules that need them)
    SITE = "site"  # SiteInput: every page fact, link check … of one site
    ACCOUNT = "account"  # AccountsInput: the round's new-media accounts
    PROBE = "probe"  # ProbeInput: one site's homepage probes (W-V2 prober)
    MANUAL = "manual"  # ManualInput: what a person entered for the round
    ENGINE = "engine"  # RuleFailure: the engine's own report of a rule that failed


class RecheckMode(StrEnum):
    """How the automatic re-check of a rectification item (web/rectify/recheck.py) verifies
    that a finding of the rule is gone, after the unit marked it 已整改."""

    MANUAL = "manual"  # a person verifies (the whole site, a period of monitoring, accounts …)
    PAGES = "pages"  # the finding's pages are fetched again and the rule runs on them
    LINKS = "links"  # the pages that carried the broken links are fetched again, links checked
    ROSTER = "roster"  # judged from the roster's facts (the homepage address): nothing to fetch


# An item the indicator set does not enumerate: REVIEW findings (term categories, never
# scored) and manual entries (the manual workbook checks the item against the set).
ANY_ITEM = "*"
# Indicators that are not in any indicator set by design (never scored).
UNSCORED_INDICATORS = frozenset({"REVIEW", "ENGINE"})


@dataclass(frozen=True)
class PageNote:
    """A per-page fact a site rule needs: ``read(site, page, facts)`` returns what to keep of
    one HTML page (None: nothing), collected by URL under ``name`` in ``SiteInput.notes``.
    Read once per page however many rules need it."""

    name: str
    read: Callable[..., object | None]


@dataclass(frozen=True)
class Rule:
    id: str
    title: str  # zh-hans, one line
    indicators: tuple[str, ...]
    what: str  # 规则说明
    why: str  # 为什么重要
    example: str  # 示例: an offending snippet
    fix: str  # 整改建议
    basis: str  # 依据: indicator id and source
    check: Callable[..., list[Finding]]  # check(input, ctx) with the scope's input type
    scope: Scope
    emits: tuple[tuple[str, str], ...]  # (indicator id, item) pairs; item ANY_ITEM: any
    # the facts it needs: names (documentation: "pages", "link_checks", "attachments" …) and
    # the page notes it reads (PageNote)
    needs: tuple[str | PageNote, ...] = ()
    # a site rule that decides whether the round inspected the site at all: when it finds
    # something, that is the site's only finding (no other page or site rule applies)
    gate: bool = False
    # False: runs only when a selection names it (the statistical 错别字 detector is too slow
    # for every page of a round; ``govinspect check-text`` names it)
    by_default: bool = True
    # how a rectification re-check verifies a finding of this rule (default: a person)
    recheck: RecheckMode = RecheckMode.MANUAL

    def __post_init__(self) -> None:
        for name in ("title", "what", "why", "example", "fix", "basis"):
            if not getattr(self, name).strip():
                raise ValueError(f"rule {self.id}: section {name!r} is empty")
        object.__setattr__(self, "scope", Scope(self.scope))
        object.__setattr__(self, "recheck", RecheckMode(self.recheck))
        if not self.emits:
            raise ValueError(f"rule {self.id}: declares no (indicator, item) it may emit")
        undeclared = {i for i, _ in self.emits} - set(self.indicators) - {ANY_ITEM}
        if undeclared:
            raise ValueError(f"rule {self.id}: emits indicators {sorted(undeclared)} "
                             "not in its indicators")
        if self.gate and self.scope != Scope.SITE:
            raise ValueError(f"rule {self.id}: only a site rule can be a gate")
        # what a re-check fetches must be what the rule reads
        fits = {RecheckMode.PAGES: self.scope == Scope.PAGE or "pages" in self.needs,
                RecheckMode.LINKS: "link_checks" in self.needs,
                RecheckMode.ROSTER: self.scope == Scope.SITE}.get(self.recheck, True)
        if not fits:
            raise ValueError(f"rule {self.id}: a {self.recheck} re-check cannot feed a "
                             f"{self.scope} rule that needs {self.needs}")

    def may_emit(self, indicator_id: str, item: str) -> bool:
        return any(i in (indicator_id, ANY_ITEM) and it in (item, ANY_ITEM)
                   for i, it in self.emits)

    @property
    def page_notes(self) -> tuple[PageNote, ...]:
        return tuple(n for n in self.needs if isinstance(n, PageNote))

    @property
    def needs_attachments(self) -> bool:
        return "attachments" in self.needs


REGISTRY: dict[str, Rule] = {}


def register(rule: Rule) -> Rule:
    if rule.id in REGISTRY:
        raise ValueError(f"rule id {rule.id} registered twice")
    REGISTRY[rule.id] = rule
    return rule


def unregister(rule_id: str) -> None:
    """Remove a rule (tests that register one of their own)."""
    REGISTRY.pop(rule_id, None)


# Modules of this package that hold no rules (the engine, the registry, the docs generator).
_NOT_RULE_MODULES = frozenset({"base", "analyse", "docs", "engine", "inputs"})
_loaded = False


def all_rules() -> list[Rule]:
    """Every registered rule. Rule modules register on import; every module of this package
    is imported (discovered, not listed), so a new rule module needs no entry anywhere else."""
    global _loaded
    if not _loaded:
        import govinspect.rules as package

        for module in pkgutil.iter_modules(package.__path__):
            if module.name not in _NOT_RULE_MODULES and not module.name.startswith("_"):
                importlib.import_module(f"{package.__name__}.{module.name}")
        _loaded = True
    return sorted(REGISTRY.values(), key=lambda r: r.id)


def family_check(family: Callable[[Any, Any], list[Finding]], rule_id: str
                 ) -> Callable[[Any, Any], list[Finding]]:
    """The check of one rule of a family whose findings a shared helper works out together
    (the column tree judges every column once; HTTPS and IPv6 come from one transport record):
    the helper runs once per input (``input.derived``) and each rule keeps its own findings."""
    key = f"{family.__module__}.{family.__qualname__}"

    def check(data, ctx) -> list[Finding]:
        return [f for f in data.derived(key, lambda d: family(d, ctx)) if f.rule_id == rule_id]

    check.__name__ = check.__qualname__ = f"{family.__name__}[{rule_id}]"
    check.__doc__ = f"{rule_id}: its findings of ``{family.__name__}``."
    return check
