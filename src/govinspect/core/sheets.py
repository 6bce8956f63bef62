"""Filled-in sheets as the office types them (pure: cells in, text and Chinese problem lines
out; no file access, no Django). Shared by the roster, the manual-check and the new-media
inspection importers, so that all three read headers and cells alike and word their problems
alike: sheet, row as Excel numbers it, column.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

YES, NO = "是", "否"

_WS = re.compile(r"\s+")

# One numbered row as read (1-based, as Excel shows it) and its cells.
NumberedRow = tuple[int, Sequence[object]]


@dataclass(frozen=True)
class Column:
    header: str
    required: bool  # the column must exist
    help: str
    example: str
    allow_empty: bool = False  # the cell may be blank


def required_label(column: Column) -> str:
    """What a template's 说明 sheet says of a column."""
    if column.required and not column.allow_empty:
        return "必填"
    return "可空" if column.required else "可选"


def cell_text(value: object) -> str:
    """A cell as text: numbers Excel stored for codes lose their '.0', whitespace (incl.
    full-width spaces) around the text goes."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return YES if value else NO
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, _dt.datetime | _dt.date):
        return value.isoformat()
    return str(value).strip()


def normalize_header(value: object) -> str:
    """Header cells often carry stray (full-width) spaces, even inside: drop them all."""
    return _WS.sub("", cell_text(value)).replace("\ufeff", "")


def split_header(rows: Sequence[NumberedRow]
                 ) -> tuple[Sequence[object], Sequence[NumberedRow]] | None:
    """The header is the first non-blank row; the data rows follow it. None: nothing at all."""
    start = next((i for i, (_, cells) in enumerate(rows)
                  if any(c not in (None, "") for c in cells)), None)
    if start is None:
        return None
    return rows[start][1], rows[start + 1:]


def row_where(label: str, number: int) -> str:
    return f"{label} 第{number}行"


def problem(where: str, header: str, what: str) -> str:
    return f"{where}“{header}”：{what}"


@dataclass(frozen=True)
class SheetRow:
    where: str  # "网站 第3行"
    raw: dict[str, object]  # cells by column header, as read (dates keep their type)
    values: dict[str, str]  # the same as text (cell_text)


def sheet_rows(label: str, header: Sequence[object], rows: Sequence[NumberedRow],
               columns: Sequence[Column], problems: list[str], *,
               key: Callable[[object], str] = normalize_header) -> list[SheetRow]:
    """The non-blank rows with their cells by column. A missing required column is a problem
    (one line each) and then no row is returned. ``key`` maps a header to what is matched."""
    index: dict[str, int] = {}
    for i, h in enumerate(header):
        name = key(h)
        if name and name not in index:
            index[name] = i
    missing = [c.header for c in columns if c.required and key(c.header) not in index]
    problems.extend(f"{label}：缺少必填列“{name}”" for name in missing)
    if missing:
        return []
    out = []
    for number, cells in rows:
        raw: dict[str, object] = {}
        for c in columns:
            i = index.get(key(c.header))
            raw[c.header] = cells[i] if i is not None and i < len(cells) else None
        values = {h: cell_text(v) for h, v in raw.items()}
        if any(values.values()):  # blank lines between or after the data are harmless
            out.append(SheetRow(row_where(label, number), raw, values))
    return out


def blank_required(columns: Sequence[Column], values: dict[str, str]) -> list[str]:
    """The headers of the cells that must not be blank but are, in column order."""
    return [c.header for c in columns if not c.allow_empty and not values[c.header]]


class RowProblems:
    """One row's problems, given back in column order, as the office reads the row."""

    def __init__(self, where: str, columns: Sequence[Column]):
        self.where = where
        self._order = {c.header: i for i, c in enumerate(columns)}
        self._found: list[tuple[int, str]] = []

    def bad(self, header: str, what: str) -> None:
        self._found.append((self._order[header], problem(self.where, header, what)))

    def add(self, order: int, message: str) -> None:
        self._found.append((order, message))

    def __bool__(self) -> bool:
        return bool(self._found)

    def lines(self) -> list[str]:
        # sort is stable, so problems in one column keep the order they were found in
        return [msg for _, msg in sorted(self._found, key=lambda p: p[0])]
