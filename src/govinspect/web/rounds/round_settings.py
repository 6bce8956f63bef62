"""A round's own settings for its 通报: the city, the issuing office, the 文号 and the
政务公开 paragraph. Set with ``round create`` (``--city``, ``--issuer``, ``--doc-number``, or a
settings file with ``--settings``) and ``review openness``; kept with the round in
``WORKSPACE/rounds/<name>/settings.json`` (written atomically). What a round does not set
falls back to ``GOVINSPECT_CITY`` / ``GOVINSPECT_ISSUER`` (Django settings or environment),
then to 示例市 / <city>人民政府办公室.

A settings file is YAML (or JSON) with these keys, in English or Chinese::

    city: 滁州市            # 城市
    issuer: 滁州市人民政府办公室   # 发文机关
    doc_number: 滁政办秘〔2022〕45号   # 文号
    openness: 本次对各县（市、区）……   # 政务公开 (the paragraph of the 通报's section 一（三）)
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import yaml

from govinspect.web.rounds.models import Round

FILE = "settings.json"
KEYS = {"city": "城市", "issuer": "发文机关", "doc_number": "文号", "openness": "政务公开"}
_ALIASES = {**{v: k for k, v in KEYS.items()}, "发文字号": "doc_number", "签发机关": "issuer",
            "政务公开检查情况": "openness"}


class RoundSettingsError(ValueError):
    """A settings file the office must correct (message in Chinese)."""


def _path(round_: Round) -> Path:
    from govinspect.web.rounds.stages import round_dir

    return round_dir(round_) / FILE


def read(round_: Round) -> dict[str, str]:
    """The round's settings (only the keys it sets)."""
    try:
        data = json.loads(_path(round_).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {k: str(v) for k, v in data.items() if k in KEYS and v not in (None, "")} \
        if isinstance(data, dict) else {}


def update(round_: Round, **values: str | None) -> dict[str, str]:
    """Set the given keys (``None``: leave as is; ``""``: remove), atomically; returns all."""
    unknown = [k for k in values if k not in KEYS]
    if unknown:
        raise RoundSettingsError(f"未知的通报设置：{'、'.join(unknown)}")
    current = read(round_)
    for key, value in values.items():
        if value is None:
            continue
        value = value.strip()
        if value:
            current[key] = value
        else:
            current.pop(key, None)
    path = _path(round_)
    path.parent.mkdir(parents=True, exist_ok=True)
    part = path.with_name(FILE + ".part")
    with open(part, "w", encoding="utf-8") as fh:
        fh.write(json.dumps(current, ensure_ascii=False, indent=1))
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(part, path)
    return current


def read_file(path: Path) -> dict[str, str]:
    """A settings file (YAML or JSON, keys in English or Chinese) → its values by key."""
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise RoundSettingsError(f"无法读取通报设置文件 {path}：{exc}") from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise RoundSettingsError(f"通报设置文件 {path} 应为“键: 值”形式")
    out: dict[str, str] = {}
    unknown = []
    for key, value in data.items():
        name = str(key).strip()
        name = name if name in KEYS else _ALIASES.get(name, "")
        if not name:
            unknown.append(str(key))
            continue
        out[name] = "" if value is None else str(value).strip()
    if unknown:
        known = "、".join(f"{k}（{v}）" for k, v in KEYS.items())
        raise RoundSettingsError(f"通报设置文件 {path} 中有未知的设置：{'、'.join(unknown)}；"
                                 f"可用的设置为 {known}")
    return out
