"""Load indicator sets from YAML. A local variant names its parent with ``inherits`` and
overrides only what differs (deep merge), so an office writes a variant without code."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml


class IndicatorSetError(ValueError):
    pass


@dataclass(frozen=True)
class IndicatorSet:
    id: str
    name: str
    scoring: dict[str, Any]
    indicators: dict[str, dict[str, Any]]

    def item_points(self, indicator_id: str, item: str) -> float:
        try:
            return float(self.indicators[indicator_id]["items"][item]["points"])
        except KeyError as exc:
            raise IndicatorSetError(
                f"指标体系 {self.id} 中没有 {indicator_id} 的扣分项 {item!r}"
            ) from exc

    def cap(self, indicator_id: str) -> float:
        return float(self.indicators[indicator_id]["cap"])


def _deep_merge(base: dict, override: dict) -> dict:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _read(set_id: str, search: tuple[Path, ...]) -> dict:
    for folder in search:
        path = folder / f"{set_id}.yaml"
        if path.is_file():
            return yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    shipped = resources.files("govinspect.indicators").joinpath(f"{set_id}.yaml")
    if shipped.is_file():
        return yaml.safe_load(shipped.read_text(encoding="utf-8")) or {}
    raise IndicatorSetError(f"找不到指标体系 {set_id}（已查找：{', '.join(map(str, search)) or '内置'}）")


def load_indicator_set(set_id: str, search: tuple[Path, ...] = ()) -> IndicatorSet:
    """Load ``set_id`` from the office's folders in ``search`` first, then the shipped sets."""
    chain: list[dict] = []
    current: str | None = set_id
    while current:
        if any(d.get("id") == current for d in chain):
            raise IndicatorSetError(f"指标体系继承出现循环：{current}")
        data = _read(current, search)
        chain.append(data)
        current = data.get("inherits")
    merged: dict = {}
    for data in reversed(chain):
        merged = _deep_merge(merged, data)
    return IndicatorSet(
        id=set_id,
        name=merged.get("name", set_id),
        scoring=merged.get("scoring", {}),
        indicators=merged.get("indicators", {}),
    )
