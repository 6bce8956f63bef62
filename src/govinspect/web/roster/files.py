"""Reading and writing roster files (.xlsx, .csv). File I/O only; the format and its
validation live in ``govinspect.core.roster``."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

from govinspect.collect.sheets import (
    SheetFileError,
    add_choices,
    add_help_sheet,
    check_file,
    read_csv,
    read_xlsx,
    save_workbook,
    style_header,
)
from govinspect.core.roster import (
    ACCOUNT_COLUMNS,
    ACCOUNT_SHEET,
    HELP_SHEET,
    KEY_HEADERS,
    NO,
    SHEET_NAMES,
    SITE_COLUMNS,
    SITE_SHEET,
    YES,
    Column,
    Kind,
    Platform,
    Table,
    classify_header,
)
from govinspect.core.sheets import NumberedRow, required_label, split_header
from govinspect.core.types import SiteKind

SUFFIXES = (".xlsx", ".csv")


class RosterFileError(Exception):
    """The file cannot be read as a roster at all; the message is for the office."""


def read_tables(path: Path) -> list[Table]:
    path = Path(path)
    try:
        if check_file(path) == ".csv":
            return [_csv_table(path.name, read_csv(path))]
        sheets = read_xlsx(path, skip=(HELP_SHEET,))
    except SheetFileError as exc:
        raise RosterFileError(str(exc)) from exc
    by_name = {name: kind for kind, name in SHEET_NAMES.items()}
    tables = []
    for title, rows in sheets:
        table = _table(title, rows, by_name.get(title))
        if table is not None:
            tables.append(table)
    if not tables:
        raise RosterFileError(f"{path.name}：没有找到“{SITE_SHEET}”或“{ACCOUNT_SHEET}”工作表")
    return tables


def _table(label: str, rows: list[NumberedRow], kind: Kind | None) -> Table | None:
    """The header is the first non-blank row; other sheets count only if their header names a
    roster (a sheet of notes is skipped)."""
    split = split_header(rows)
    if split is None:
        return Table(label, (), [], kind) if kind else None
    table = Table(label, *split, kind)
    if kind is None and classify_header(table.header) is None:
        return None
    return table


def _csv_table(name: str, rows: list[NumberedRow]) -> Table:
    table = _table(name, rows, None)
    if table is None:
        split = split_header(rows)
        if split is None:
            raise RosterFileError(f"{name}：文件是空的")
        return Table(name, split[0], [], None)  # the parser reports the unknown header
    return table


# --- writing -----------------------------------------------------------------------------

def write_csv(path: Path, columns: Sequence[Column], rows: Sequence[Sequence[str]]) -> None:
    # BOM so that Excel opens the Chinese text correctly by double-click.
    with Path(path).open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow([c.header for c in columns])
        writer.writerows(rows)


def write_workbook(path: Path, sites: Sequence[Sequence[str]], accounts: Sequence[Sequence[str]],
                   *, help_sheet: bool = True) -> Path:
    """Both roster sheets with drop-down lists, and (optionally) a 说明 sheet."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    lists = {
        "网站类型": [k.value for k in SiteKind],
        "平台": [p.value for p in Platform],
        "是否备案": [YES, NO],
    }
    for kind, columns, rows in ((Kind.SITE, SITE_COLUMNS, sites), (Kind.ACCOUNT, ACCOUNT_COLUMNS, accounts)):
        ws = wb.create_sheet(SHEET_NAMES[kind])
        ws.append([c.header for c in columns])
        style_header(ws)
        for row in rows:
            ws.append(list(row))
        for i, c in enumerate(columns, start=1):
            letter = ws.cell(row=1, column=i).column_letter
            ws.column_dimensions[letter].width = 14 if c.header in lists else 28
            if c.header == KEY_HEADERS[kind]:
                # Text, so Excel keeps long codes as typed (no 3.41E+09).
                for r in range(2, max(len(rows) + 2, 1000)):
                    ws.cell(row=r, column=i).number_format = "@"
            if c.header in lists:
                add_choices(ws, letter, lists[c.header])
        ws.freeze_panes = "A2"
    if help_sheet:
        add_help_sheet(wb, HELP_SHEET, (
            [SHEET_NAMES[kind], c.header, required_label(c), c.help]
            for kind, columns in ((Kind.SITE, SITE_COLUMNS), (Kind.ACCOUNT, ACCOUNT_COLUMNS))
            for c in columns
        ), (
            "1. 每个工作表第1行为表头，请勿修改列名；第2行起每行一条记录，模板中的第2行为示例，请改为实际内容。",
            "2. 两个工作表可只填其一；也可分别另存为 CSV（UTF-8 或 GBK 编码）导入。",
            "3. 导入前会检查整个文件，发现任何问题都不会导入，并逐条列出问题所在的工作表、行号和列名。",
            "4. 按标识码更新：已有的网站或账号会被更新，重复导入同一文件不会产生重复记录。",
        ), (12, 14, 10, 80))
    return save_workbook(wb, path)


def template_rows() -> tuple[list[list[str]], list[list[str]]]:
    return ([[c.example for c in SITE_COLUMNS]], [[c.example for c in ACCOUNT_COLUMNS]])
