"""The rule registry: every rule is a small documented unit, like a linter's.

A rule has an id (``GI-L001`` …), the indicator ids it feeds, documentation in fixed sections
(规则说明 / 为什么重要 / 示例 / 整改建议 / 依据) and a pure function. The rules reference page is
generated from this registry, so a rule without documentation cannot be registered.
"""

from __future__ import annotations

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


def all_rules() -> list[Rule]:
    """Every registered rule, importing the rule modules first."""
    import govinspect.rules.availability  # noqa: F401
    import govinspect.rules.darklinks  # noqa: F401
    import govinspect.rules.links  # noqa: F401  (registers on import)
    import govinspect.rules.newmedia  # noqa: F401  (also registers GI-NM001)
    import govinspect.rules.privacy  # noqa: F401
    import govinspect.rules.site_columns  # noqa: F401
    import govinspect.rules.site_header  # noqa: F401
    import govinspect.rules.site_identity  # noqa: F401
    import govinspect.rules.site_interaction  # noqa: F401
    import govinspect.rules.site_notes  # noqa: F401
    import govinspect.rules.site_openness  # noqa: F401
    import govinspect.rules.site_policy  # noqa: F401
    import govinspect.rules.site_search  # noqa: F401
    import govinspect.rules.site_service  # noqa: F401
    import govinspect.rules.text  # noqa: F401
    import govinspect.rules.transport  # noqa: F401

    return sorted(REGISTRY.values(), key=lambda r: r.id)
