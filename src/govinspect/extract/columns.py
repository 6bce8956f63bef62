"""Column (栏目) name and its category from extract/data/columns.yaml."""

from __future__ import annotations

import re
from functools import cache

from govinspect.extract.cues import load
from govinspect.extract.dom import Doc

CRUMB_SEP = re.compile(r"\s*(?:>>|>|»|›|＞|→|/|｜|\|)\s*")
CRUMB_LINE = re.compile(r"^(?:您的位置|当前位置|您现在的位置|所在位置|位置)?\s*[:：]?\s*"
                        r"((?:网站首页|首页|主页)\s*(?:>>|>|»|›|＞|→|/|｜|\|).+)$")
CRUMB_STRONG = re.compile(r"\s*(?:>>|»|›|＞|→|\s>\s)\s*")
_STRONG_CHARS = re.compile("[>»›＞→]")  # one of them is in every CRUMB_STRONG separator
NOT_COLUMN = {"正文", "详情", "内容", "详细内容", "正文内容", "文章内容", "信息详情", "首页", "网站首页"}


def breadcrumb(doc: Doc) -> list[str]:
    for line in doc.lines[:400]:
        # CRUMB_LINE needs 首页 or 主页: substring tests skip its match on almost every line
        if len(line) > 200 or ("首页" not in line and "主页" not in line):
            continue
        m = CRUMB_LINE.match(line)
        if m:
            parts = [p for p in CRUMB_SEP.split(m.group(1)) if p]
            if len(parts) >= 2:
                return parts
    for line in doc.lines[:400]:  # breadcrumbs without 首页: "A >> B >> C", "A » B » C"
        if (6 < len(line) < 120 and "<<" not in line and _STRONG_CHARS.search(line)
                and len(CRUMB_STRONG.findall(line)) >= 2):
            parts = [p for p in CRUMB_STRONG.split(line) if p.strip()]
            if 2 <= len(parts) <= 7 and all(len(p.strip()) <= 30 for p in parts):
                return [p.strip() for p in parts]
    return []


def column_name(doc: Doc, crumb: list[str], headline: str | None) -> str | None:
    """meta ColumnName, else the last breadcrumb part that is not the page's own headline
    (pass ``headline=None`` on column pages, whose heading is the column name)."""
    meta = doc.meta.get("columnname")
    if meta:
        return meta
    for part in reversed(crumb):
        if part not in NOT_COLUMN and part != headline and len(part) <= 30:
            return part
    return None


@cache
def _categories() -> list[tuple[str, tuple[str, ...], tuple[str, ...]]]:
    out = []
    for c in load("columns.yaml")["categories"]:
        out.append((c["id"], tuple(c.get("names") or ()), tuple(c.get("cues") or ())))
    return out


def category(name: str | None) -> str | None:
    """The category id whose exact name or longest cue matches ``name``."""
    if not name:
        return None
    name = name.strip()
    for cid, names, _ in _categories():
        if name in names:
            return cid
    best: tuple[int, str] | None = None
    for cid, _, cues in _categories():
        for cue in cues:
            if cue in name and (best is None or len(cue) > best[0]):
                best = (len(cue), cid)
    return best[1] if best else None
