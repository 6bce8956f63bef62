"""The rule registry: every rule is a small documented unit, like a linter's.

A rule has an id (``GI-L001`` …), the indicator ids it feeds, documentation in fixed sections
(规则说明 / 为什么重要 / 示例 / 整改建议 / 依据) and a pure function. The rules reference page is
generated from this registry, so a rule without documentation cannot be registered.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass

from govinspect.core.types import Finding


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
    check: Callable[..., list[Finding]]

    def __post_init__(self) -> None:
        for name in ("title", "what", "why", "example", "fix", "basis"):
            if not getattr(self, name).strip():
                raise ValueError(f"rule {self.id}: section {name!r} is empty")


REGISTRY: dict[str, Rule] = {}


def register(rule: Rule) -> Rule:
    if rule.id in REGISTRY:
        raise ValueError(f"rule id {rule.id} registered twice")
    REGISTRY[rule.id] = rule
    return rule


# Modules of this package that hold no rules (the engine, the registry, the docs generator).
_NOT_RULE_MODULES = frozenset({"base", "analyse", "docs"})


def all_rules() -> list[Rule]:
    """Every registered rule. Rule modules register on import; every module of this package
    is imported (discovered, not listed), so a new rule module needs no entry anywhere else."""
    import govinspect.rules as package

    for module in pkgutil.iter_modules(package.__path__):
        if module.name not in _NOT_RULE_MODULES and not module.name.startswith("_"):
            importlib.import_module(f"{package.__name__}.{module.name}")
    return sorted(REGISTRY.values(), key=lambda r: r.id)
