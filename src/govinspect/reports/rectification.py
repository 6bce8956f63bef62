"""How findings become the items of a unit's 整改清单 (pure).

One rectification item is one problem of one site or account: the findings of the same rule,
indicator and deduction item on the same subject of the same unit, with the list of pages
they were found on. A unit that misses the 找错 entry on 334 pages gets one item listing 334
pages, not 334 rows. The xlsx 整改清单 and the workspace's rectification items both group
with ``group_findings`` so the two always agree.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from govinspect.core.types import Finding


@dataclass(frozen=True, order=True)
class GroupKey:
    """What makes two findings one rectification item."""

    unit: str  # the unit's key as the caller names it (e.g. its database id)
    subject: str  # 网站标识码 or account 标识码
    indicator_id: str
    rule_id: str
    item: str

    @property
    def id(self) -> str:
        """A stable short id of the key (the same problem keeps its id round after round)."""
        raw = "\x1f".join((self.unit, self.subject, self.indicator_id, self.rule_id, self.item))
        return hashlib.sha1(raw.encode("utf-8")).hexdigest()[:20]


@dataclass(frozen=True)
class RectificationGroup:
    key: GroupKey
    findings: tuple[Finding, ...]  # in the order given

    @property
    def pages(self) -> tuple[str, ...]:
        """Where the problem is: each finding's evidence URL once, in the order found."""
        seen: dict[str, None] = {}
        for f in self.findings:
            seen.setdefault(f.evidence.url, None)
        return tuple(seen)

    @property
    def parent_pages(self) -> tuple[str, ...]:
        """The pages the findings' URLs were linked from (broken links, attachments), once each."""
        seen: dict[str, None] = {}
        for f in self.findings:
            if f.evidence.parent_url:
                seen.setdefault(f.evidence.parent_url, None)
        return tuple(seen)

    @property
    def fingerprints(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(f.fingerprint for f in self.findings))

    @property
    def message(self) -> str:
        """The first finding's message; with more places, how many."""
        first = self.findings[0].message
        n = len(self.pages)
        return first if n <= 1 else f"{first}（等{n}处）"


def group_key(f: Finding, unit: str) -> GroupKey:
    return GroupKey(unit=unit, subject=f.subject, indicator_id=f.indicator_id,
                    rule_id=f.rule_id, item=f.item)


def group_findings(findings: Iterable[Finding],
                   unit_of: Mapping[str, str] | Callable[[str], str]
                   ) -> list[RectificationGroup]:
    """Group ``findings`` into rectification items, ordered by unit, subject, indicator,
    rule and item. ``unit_of`` maps a finding's subject code to its unit's key; a subject it
    does not know is an error (a finding must belong to a unit of the roster)."""
    lookup = unit_of.__getitem__ if isinstance(unit_of, Mapping) else unit_of
    groups: dict[GroupKey, list[Finding]] = {}
    for f in findings:
        try:
            unit = lookup(f.subject)
        except KeyError:
            raise ValueError(f"问题对象 {f.subject} 不属于名录中的任何单位") from None
        groups.setdefault(group_key(f, str(unit)), []).append(f)
    return [RectificationGroup(key, tuple(found)) for key, found in sorted(groups.items())]


# ── what a department reads in its 整改清单 ──────────────────────────────────────────────

_ITEM_PLACE = (("outside_sample", "抽查范围外"), ("homepage", "首页"), ("other", "其他页面"))


def rule_title(rule_id: str) -> str:
    """The rule's one-line title (常见错别字 …); for a finding entered by hand, 人工检查问题."""
    from govinspect.rules.base import REGISTRY, all_rules

    if rule_id.startswith("MANUAL"):
        return "人工检查问题"
    if rule_id not in REGISTRY:
        all_rules()
    rule = REGISTRY.get(rule_id)
    return rule.title if rule is not None else rule_id


def item_title(iset, indicator_id: str, item: str, rule_id: str = "") -> str:
    """The problem in the indicator set's words, never an internal code: the indicator's name
    and what is wrong (“我为政府网站找错”入口：未在页面底部设置…（其他页面））; for a finding
    outside the set's indicators (reported for review only), the rule's title."""
    indicator = iset.indicators.get(indicator_id) if iset is not None else None
    if indicator is None:
        return rule_title(rule_id) if rule_id else indicator_id
    name = indicator.get("name", indicator_id)
    sentence = iset.sentence(indicator_id, item)
    title = name if sentence in ("", name) else f"{name}：{sentence}"
    entry = (indicator.get("items") or {}).get(item) or {}
    if item and not entry.get("sentence"):  # the item's own words are missing: say where
        for code, place in _ITEM_PLACE:
            if code in item:
                return f"{title}（{place}）"
    return title


def fix_advice(rule_id: str, iset=None, indicator_id: str = "") -> str:
    """The rule's 整改建议 (the text of the rules reference); for a finding entered by hand
    (GI-M001), what its indicator asks for."""
    from govinspect.rules.base import REGISTRY, all_rules
    from govinspect.rules.manual import MANUAL_ENTRY

    rule = REGISTRY.get(rule_id)
    if rule is None:  # its module not imported yet
        all_rules()
        rule = REGISTRY.get(rule_id)
    if rule is not None and rule.id != MANUAL_ENTRY.id:
        return rule.fix
    if iset is not None and indicator_id in getattr(iset, "indicators", {}):
        sentence = iset.sentence(indicator_id)
        return f"对照《{iset.document_title}》{indicator_id} 逐项整改，消除“{sentence}”问题。"
    if rule is not None:
        return rule.fix
    return "请对照检查指标逐项整改。"
