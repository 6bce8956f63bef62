"""Load indicator sets from YAML. A local variant names its parent with ``inherits`` and
overrides only what differs (deep merge), so an office writes a variant without code.

The loader validates what the engine relies on and reports problems in Chinese, naming the
set and the indicator, so a hand-written variant fails with a clear message, not a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

FAMILIES = ("veto", "deduction", "bonus", "problem")
SITE_KINDS = ("门户", "部门", "专项")
SUBJECTS = ("site", "account")


class IndicatorSetError(ValueError):
    pass


def dec(value: Any) -> Decimal:
    """Points from YAML (int/float/str) as exact decimals: 0.1 stays 0.1."""
    return Decimal(str(value))


@dataclass(frozen=True)
class IndicatorSet:
    id: str
    name: str
    scoring: dict[str, Any]
    indicators: dict[str, dict[str, Any]]
    families: dict[str, dict[str, Any]] | None = None
    document_title: str = ""

    # ── points and caps ────────────────────────────────────────────────────────────────
    def item(self, indicator_id: str, item: str) -> dict[str, Any]:
        indicator = self.indicators[indicator_id]
        items = indicator.get("items") or {}
        if item in items:
            return items[item] or {}
        # a finding without item on a one-item indicator (``pending`` items — the round's own
        # "not inspected" notes — are never meant by an item-less finding)
        scored = [v for v in items.values() if not (v or {}).get("pending")]
        if not item and len(scored) == 1:
            return scored[0] or {}
        if not item and not items:
            return {}
        raise IndicatorSetError(f"指标体系 {self.id} 中没有 {indicator_id} 的扣分项 {item!r}")

    def item_points(self, indicator_id: str, item: str) -> float:
        return float(self.item_points_exact(indicator_id, item))

    def item_points_exact(self, indicator_id: str, item: str) -> Decimal:
        try:
            return dec(self.item(indicator_id, item)["points"])
        except KeyError as exc:
            raise IndicatorSetError(
                f"指标体系 {self.id} 中没有 {indicator_id} 的扣分项 {item!r}"
            ) from exc

    def cap(self, indicator_id: str) -> float:
        return float(self.indicators[indicator_id]["cap"])

    # ── applicability ─────────────────────────────────────────────────────────────────
    def family(self, indicator_id: str) -> str:
        return self.indicators[indicator_id].get("family", "")

    def subject(self, indicator_id: str) -> str:
        return self.indicators[indicator_id].get("subject", "site")

    def applies_to(self, indicator_id: str) -> tuple[str, ...]:
        indicator = self.indicators[indicator_id]
        kinds = indicator.get("applies_to")
        if kinds is None:
            kinds = ((self.families or {}).get(indicator.get("family", "")) or {}).get(
                "applies_to", SITE_KINDS)
        return tuple(kinds)

    def applies(self, indicator_id: str, kind: str, *, no_service: bool = False) -> bool:
        """Whether the indicator is checked on a site of this kind (R1, R6, local variants)."""
        if self.subject(indicator_id) != "site" or kind not in self.applies_to(indicator_id):
            return False
        if no_service:
            skip = (self.scoring.get("no_service") or {}).get("skip_groups", ())
            return self.indicators[indicator_id].get("group") not in skip
        return True

    def ids(self, family: str | None = None, subject: str | None = None) -> list[str]:
        return [i for i, ind in self.indicators.items()
                if (family is None or ind.get("family") == family)
                and (subject is None or ind.get("subject", "site") == subject)]

    def base_for(self, kind: str, *, no_service: bool = False) -> Decimal:
        """The applicable maximum for a site kind (before any per-unit base of the round)."""
        if no_service and (self.scoring.get("no_service") or {}).get("base") is not None:
            return dec(self.scoring["no_service"]["base"])
        bases = self.scoring.get("bases") or {}
        return dec(bases.get(kind, self.scoring.get("deduction_total", 100)))

    def threshold(self, name: str, default: Any) -> Decimal:
        return dec(self.scoring.get(name, default))

    # ── report wording ────────────────────────────────────────────────────────────────
    def sentence(self, indicator_id: str, item: str = "") -> str:
        indicator = self.indicators[indicator_id]
        entry = (indicator.get("items") or {}).get(item) or {}
        return entry.get("sentence") or indicator.get("sentence") or indicator.get("name", "")

    def problem(self, indicator_id: str, item: str = "") -> str:
        indicator = self.indicators[indicator_id]
        entry = (indicator.get("items") or {}).get(item) or {}
        return (entry.get("problem") or indicator.get("problem") or indicator.get("sentence")
                or indicator.get("name", ""))


def _deep_merge(base: dict, override: dict) -> dict:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


# libyaml's safe loader when PyYAML has it: the same documents, parsed ~10x faster (every
# scoring of a round — a workspace page too — reads the set).
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _parse(text: str, where: str) -> dict:
    try:
        data = yaml.load(text, Loader=_SAFE_LOADER) or {}  # noqa: S506 — a safe loader
    except yaml.YAMLError as exc:
        raise IndicatorSetError(f"指标体系文件 {where} 不是有效的 YAML：{exc}") from exc
    if not isinstance(data, dict):
        raise IndicatorSetError(f"指标体系文件 {where} 的顶层应为键值对")
    return data


def _read(set_id: str, search: tuple[Path, ...]) -> dict:
    for folder in search:
        path = Path(folder) / f"{set_id}.yaml"
        if path.is_file():
            return _parse(path.read_text(encoding="utf-8"), str(path))
    # the shipped sets are data files of the indicators package (read as data, not imported code)
    shipped = resources.files("govinspect.indicators").joinpath(f"{set_id}.yaml")
    if shipped.is_file():
        return _parse(shipped.read_text(encoding="utf-8"), f"内置 {set_id}.yaml")
    raise IndicatorSetError(
        f"找不到指标体系 {set_id}（已查找：{', '.join(map(str, search)) or '内置'}）")


def _check_number(set_id: str, where: str, value: Any) -> None:
    try:
        dec(value)
    except Exception as exc:  # noqa: BLE001 - any unparsable value is the same user error
        raise IndicatorSetError(f"指标体系 {set_id}：{where} 应为数字，实为 {value!r}") from exc
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise IndicatorSetError(f"指标体系 {set_id}：{where} 应为数字，实为 {value!r}")


def validate(iset: IndicatorSet) -> None:
    """Raise IndicatorSetError (in Chinese, naming the indicator) on anything the engine needs."""
    sid = iset.id
    for family, conf in (iset.families or {}).items():
        for kind in (conf or {}).get("applies_to", ()):
            if kind not in SITE_KINDS:
                raise IndicatorSetError(
                    f"指标体系 {sid}：families.{family}.applies_to 中的网站类型 {kind!r} 无效，"
                    f"应为 {'/'.join(SITE_KINDS)}")
    for iid, ind in iset.indicators.items():
        if not isinstance(ind, dict):
            raise IndicatorSetError(f"指标体系 {sid}：指标 {iid} 的内容应为键值对")
        family = ind.get("family")
        if family not in FAMILIES:
            raise IndicatorSetError(
                f"指标体系 {sid}：指标 {iid} 的 family 为 {family!r}，应为 {'/'.join(FAMILIES)}")
        if ind.get("subject", "site") not in SUBJECTS:
            raise IndicatorSetError(f"指标体系 {sid}：指标 {iid} 的 subject 应为 site 或 account")
        for kind in ind.get("applies_to") or ():
            if kind not in SITE_KINDS:
                raise IndicatorSetError(
                    f"指标体系 {sid}：指标 {iid} 的 applies_to 中的网站类型 {kind!r} 无效")
        items = ind.get("items") or {}
        if not isinstance(items, dict):
            raise IndicatorSetError(f"指标体系 {sid}：指标 {iid} 的 items 应为键值对")
        if family in ("deduction", "bonus"):
            if "cap" not in ind:
                raise IndicatorSetError(f"指标体系 {sid}：指标 {iid} 缺少 cap（单项分值上限）")
            _check_number(sid, f"指标 {iid} 的 cap", ind["cap"])
            if not items:
                raise IndicatorSetError(f"指标体系 {sid}：指标 {iid} 缺少 items（计分项）")
            for name, entry in items.items():
                if not isinstance(entry, dict) or "points" not in entry:
                    raise IndicatorSetError(
                        f"指标体系 {sid}：指标 {iid} 的计分项 {name} 缺少 points（每处分值）")
                _check_number(sid, f"指标 {iid} 计分项 {name} 的 points", entry["points"])
        if family == "veto":
            for name, entry in items.items():
                if entry and "threshold" in entry:
                    _check_number(sid, f"指标 {iid} 否决项 {name} 的 threshold", entry["threshold"])
    for key in ("deduction_total", "fail_below", "bonus_above", "bonus_total"):
        if key in iset.scoring:
            _check_number(sid, f"scoring.{key}", iset.scoring[key])
    for kind, base in (iset.scoring.get("bases") or {}).items():
        if kind not in SITE_KINDS:
            raise IndicatorSetError(f"指标体系 {sid}：scoring.bases 中的网站类型 {kind!r} 无效")
        _check_number(sid, f"scoring.bases.{kind}", base)
        if dec(base) <= 0:
            raise IndicatorSetError(f"指标体系 {sid}：scoring.bases.{kind} 应大于0")


def load_indicator_set(set_id: str, search: tuple[Path, ...] = ()) -> IndicatorSet:
    """Load ``set_id`` from the office's folders in ``search`` first, then the shipped sets.

    A set may name its parent with ``inherits``; the chain is deep-merged, child last.
    """
    chain: list[dict] = []
    seen: list[str] = []
    current: str | None = set_id
    while current:
        if current in seen:
            raise IndicatorSetError(f"指标体系继承出现循环：{' → '.join([*seen, current])}")
        seen.append(current)
        data = _read(current, tuple(search))
        chain.append(data)
        current = data.get("inherits")
    merged: dict = {}
    for data in reversed(chain):
        merged = _deep_merge(merged, data)
    iset = IndicatorSet(
        id=set_id,
        name=merged.get("name", set_id),
        scoring=merged.get("scoring") or {},
        indicators=merged.get("indicators") or {},
        families=merged.get("families") or {},
        document_title=merged.get("document_title") or merged.get("name", set_id),
    )
    validate(iset)
    return iset
