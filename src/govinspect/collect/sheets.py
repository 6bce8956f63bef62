"""The office's spreadsheet files (.xlsx, .csv): reading them into numbered rows, and the
parts every import template shares (header style, drop-down lists, 说明 sheet, safe save).
File I/O only; headers, cells and problems are ``govinspect.core.sheets``. Shared by the
roster and manual-check importers (``govinspect.web``) and the new-media inspection record
(``collect.newmedia``), so it lives here rather than under ``web``."""

from __future__ import annotations

import csv
import io
from collections.abc import Collection, Iterable, Sequence
from pathlib import Path

from govinspect.core.sheets import NumberedRow

OLD_SUFFIXES = (".xls", ".et", ".wps")


class SheetFileError(Exception):
    """The file cannot be read at all; the message is for the office."""


def check_file(path: Path) -> str:
    """The file's (lower-case) suffix, if it exists and is .xlsx or .csv."""
    if not path.is_file():
        raise SheetFileError(f"{path}：文件不存在")
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".csv"):
        return suffix
    if suffix in OLD_SUFFIXES:
        raise SheetFileError(f"{path.name}：不支持旧版 {suffix} 格式，请在 Excel/WPS 中另存为 .xlsx 后导入")
    raise SheetFileError(f"{path.name}：不支持的文件类型，请使用 .xlsx 或 .csv 文件")


def read_xlsx(path: Path, skip: Collection[str] = ()) -> list[tuple[str, list[NumberedRow]]]:
    """Each sheet (but those named in ``skip``) as (its name, its rows numbered as in Excel)."""
    from openpyxl import load_workbook

    try:
        # read_only streams the sheet (several times faster on big files); data_only gives
        # the cached values of formulas.
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged or foreign file
        raise SheetFileError(f"{path.name}：无法作为 Excel (.xlsx) 文件读取（{type(exc).__name__}），"
                             "请确认文件未损坏并用 Excel/WPS 另存为 .xlsx") from exc
    sheets = []
    try:
        for ws in wb.worksheets:
            title = ws.title.strip()
            if title in skip:
                continue
            # min_row=1: the reader then fills skipped blank rows, so numbers match Excel's.
            sheets.append((title, list(enumerate(ws.iter_rows(min_row=1, values_only=True),
                                                 start=1))))
    finally:
        wb.close()
    return sheets


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


def read_csv(path: Path, *, tabs: bool = True) -> list[NumberedRow]:
    """The rows, numbered from 1. ``tabs``: a first line with tabs and no comma means
    tab-separated (Excel's "Unicode text" export)."""
    data = path.read_bytes()
    try:
        if b"\x00" in data:
            raise ValueError("binary")
        text = decode_csv(data)
        first_line = text.split("\n", 1)[0]
        delimiter = "\t" if tabs and "\t" in first_line and "," not in first_line else ","
        return list(enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), start=1))
    except (ValueError, csv.Error) as exc:
        raise SheetFileError(f"{path.name}：无法作为 CSV 文本文件读取，请确认是 UTF-8 或 GBK 编码的 CSV") from exc


# --- writing templates ---------------------------------------------------------------------

HELP_HEADER = ("工作表", "列名", "是否必填", "填写说明")


def style_header(ws) -> None:
    """Row 1 bold on light blue, as in every template we hand out."""
    from openpyxl.styles import Font, PatternFill

    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDEBF7")
    for cell in ws[1]:
        cell.font, cell.fill = bold, fill


def add_choices(ws, letter: str, choices: Sequence[str], error: str = "请从下拉列表中选择") -> None:
    """A drop-down list for column ``letter`` below the header."""
    from openpyxl.worksheet.datavalidation import DataValidation

    dv = DataValidation(type="list", formula1='"' + ",".join(choices) + '"', allow_blank=True,
                        showErrorMessage=True, errorTitle="输入无效", error=error)
    dv.add(f"{letter}2:{letter}1048576")
    ws.add_data_validation(dv)


def add_help_sheet(wb, title: str, rows: Iterable[Sequence[object]], notes: Iterable[str],
                   widths: Sequence[int]) -> None:
    """The 说明 sheet: a row per column (sheet, header, required, help), then the notes."""
    from openpyxl.styles import Alignment

    ws = wb.create_sheet(title)
    ws.append(list(HELP_HEADER))
    style_header(ws)
    for row in rows:
        ws.append(list(row))
    ws.append([])
    for note in notes:
        ws.append(["注意", None, None, note])
    for letter, width in zip("ABCD", widths, strict=True):
        ws.column_dimensions[letter].width = width
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")


def save_workbook(wb, path: Path) -> Path:
    """Through a temporary file, so a failed save leaves no half-written workbook."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".part")
    wb.save(tmp)
    tmp.replace(path)
    return path
