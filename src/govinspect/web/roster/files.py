"""Reading and writing roster files (.xlsx, .csv). File I/O only; the format and its
validation live in ``govinspect.core.roster``."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path

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
)
from govinspect.core.types import SiteKind

SUFFIXES = (".xlsx", ".csv")


class RosterFileError(Exception):
    """The file cannot be read as a roster at all; the message is for the office."""


def read_tables(path: Path) -> list[Table]:
    path = Path(path)
    if not path.is_file():
        raise RosterFileError(f"{path}：文件不存在")
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return _read_xlsx(path)
    if suffix == ".csv":
        return [_read_csv(path)]
    if suffix in (".xls", ".et", ".wps"):
        raise RosterFileError(f"{path.name}：不支持旧版 {suffix} 格式，请在 Excel/WPS 中另存为 .xlsx 后导入")
    raise RosterFileError(f"{path.name}：不支持的文件类型，请使用 .xlsx 或 .csv 文件")


def _read_xlsx(path: Path) -> list[Table]:
    from openpyxl import load_workbook

    try:
        # read_only streams the sheet (several times faster on big rosters); data_only gives
        # the cached values of formulas.
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged or foreign file
        raise RosterFileError(f"{path.name}：无法作为 Excel (.xlsx) 文件读取（{type(exc).__name__}），"
                              "请确认文件未损坏并用 Excel/WPS 另存为 .xlsx") from exc
    by_name = {name: kind for kind, name in SHEET_NAMES.items()}
    tables = []
    for ws in wb.worksheets:
        title = ws.title.strip()
        if title == HELP_SHEET:
            continue
        # min_row=1: the reader then fills skipped blank rows, so numbers match Excel's.
        rows = [(n, row) for n, row in
                enumerate(ws.iter_rows(min_row=1, values_only=True), start=1)]
        table = _table(title, rows, by_name.get(title))
        if table is not None:
            tables.append(table)
    wb.close()
    if not tables:
        raise RosterFileError(f"{path.name}：没有找到“{SITE_SHEET}”或“{ACCOUNT_SHEET}”工作表")
    return tables


def _table(label: str, rows: list[tuple[int, Sequence[object]]], kind: Kind | None) -> Table | None:
    """The header is the first non-blank row; other sheets count only if their header names a
    roster (a sheet of notes is skipped)."""
    start = next((i for i, (_, cells) in enumerate(rows)
                  if any(c not in (None, "") for c in cells)), None)
    if start is None:
        return Table(label, (), [], kind) if kind else None
    table = Table(label, rows[start][1], rows[start + 1:], kind)
    if kind is None:
        from govinspect.core.roster import classify_header

        if classify_header(table.header) is None:
            return None
    return table


def decode_csv(data: bytes) -> str:
    """UTF-8 (with or without BOM) or GBK/GB18030, as Excel and WPS save them."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise UnicodeDecodeError("unknown", data[:1], 0, 1, "no encoding fits")
    return str(best)


def _read_csv(path: Path) -> Table:
    data = path.read_bytes()
    try:
        if b"\x00" in data:
            raise ValueError("binary")
        text = decode_csv(data)
        first_line = text.split("\n", 1)[0]
        # Excel's "Unicode text" export is tab-separated; everything else uses commas.
        delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
        rows = [(n, row) for n, row in
                enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), start=1)]
    except (ValueError, csv.Error) as exc:
        raise RosterFileError(f"{path.name}：无法作为 CSV 文本文件读取，请确认是 UTF-8 或 GBK 编码的 CSV") from exc
    table = _table(path.name, rows, None)
    if table is None:
        if not any(cells for _, cells in rows):
            raise RosterFileError(f"{path.name}：文件是空的")
        header = next(cells for _, cells in rows if any(cells))
        return Table(path.name, header, [], None)  # the parser reports the unknown header
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
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    wb.remove(wb.active)
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    lists = {
        "网站类型": [k.value for k in SiteKind],
        "平台": [p.value for p in Platform],
        "是否备案": [YES, NO],
    }
    for kind, columns, rows in ((Kind.SITE, SITE_COLUMNS, sites), (Kind.ACCOUNT, ACCOUNT_COLUMNS, accounts)):
        ws = wb.create_sheet(SHEET_NAMES[kind])
        ws.append([c.header for c in columns])
        for cell in ws[1]:
            cell.font = bold
            cell.fill = fill
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
                dv = DataValidation(type="list", formula1='"' + ",".join(lists[c.header]) + '"',
                                    allow_blank=True, showErrorMessage=True,
                                    errorTitle="输入无效", error="请从下拉列表中选择")
                dv.add(f"{letter}2:{letter}1048576")
                ws.add_data_validation(dv)
        ws.freeze_panes = "A2"
    if help_sheet:
        ws = wb.create_sheet(HELP_SHEET)
        ws.append(["工作表", "列名", "是否必填", "填写说明"])
        for cell in ws[1]:
            cell.font = bold
            cell.fill = fill
        for kind, columns in ((Kind.SITE, SITE_COLUMNS), (Kind.ACCOUNT, ACCOUNT_COLUMNS)):
            for c in columns:
                required = "必填" if c.required and not c.allow_empty else ("可空" if c.required else "可选")
                ws.append([SHEET_NAMES[kind], c.header, required, c.help])
        ws.append([])
        for note in (
            "1. 每个工作表第1行为表头，请勿修改列名；第2行起每行一条记录，模板中的第2行为示例，请改为实际内容。",
            "2. 两个工作表可只填其一；也可分别另存为 CSV（UTF-8 或 GBK 编码）导入。",
            "3. 导入前会检查整个文件，发现任何问题都不会导入，并逐条列出问题所在的工作表、行号和列名。",
            "4. 按标识码更新：已有的网站或账号会被更新，重复导入同一文件不会产生重复记录。",
        ):
            ws.append(["注意", None, None, note])
        for letter, width in zip("ABCD", (12, 14, 10, 80), strict=True):
            ws.column_dimensions[letter].width = width
        for row in ws.iter_rows(min_row=2):
            for cell in row:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def template_rows() -> tuple[list[list[str]], list[list[str]]]:
    return ([[c.example for c in SITE_COLUMNS]], [[c.example for c in ACCOUNT_COLUMNS]])
