"""Reading and writing the manual-check workbook (.xlsx, or one sheet as .csv). File I/O only;
the format and its validation live in ``govinspect.indicators.manual_io``."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path

from govinspect.core.roster import NO, YES, Table
from govinspect.indicators.manual_io import (
    COLUMNS,
    HELP_SHEET,
    INDICATOR_SHEET,
    Sheet,
    classify_sheet,
    item_label,
)
from govinspect.indicators.sets import IndicatorSet
from govinspect.web.roster.files import RosterFileError, decode_csv

FAMILY_NAMES = {"veto": "单项否决", "deduction": "扣分", "bonus": "加分", "problem": "问题（不计分）"}
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"


class ReviewFileError(RosterFileError):
    """The file cannot be read at all; the message is for the office."""


def read_tables(path: Path) -> list[Table]:
    path = Path(path)
    if not path.is_file():
        raise ReviewFileError(f"{path}：文件不存在")
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return _read_xlsx(path)
    if suffix == ".csv":
        return [_read_csv(path)]
    if suffix in (".xls", ".et", ".wps"):
        raise ReviewFileError(f"{path.name}：不支持旧版 {suffix} 格式，请在 Excel/WPS 中另存为 .xlsx 后导入")
    raise ReviewFileError(f"{path.name}：不支持的文件类型，请使用 .xlsx 或 .csv 文件")


def _header_start(rows: list[tuple[int, Sequence[object]]]) -> int | None:
    return next((i for i, (_, cells) in enumerate(rows)
                 if any(c not in (None, "") for c in cells)), None)


def _read_xlsx(path: Path) -> list[Table]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged or foreign file
        raise ReviewFileError(f"{path.name}：无法作为 Excel (.xlsx) 文件读取（{type(exc).__name__}），"
                              "请确认文件未损坏并用 Excel/WPS 另存为 .xlsx") from exc
    tables = []
    for ws in wb.worksheets:
        title = ws.title.strip()
        if title in (HELP_SHEET, INDICATOR_SHEET):
            continue
        rows = [(n, row) for n, row in enumerate(ws.iter_rows(min_row=1, values_only=True),
                                                 start=1)]
        start = _header_start(rows)
        if start is None:
            continue
        header, data = rows[start][1], rows[start + 1:]
        if classify_sheet(title, header) is None:
            continue  # a sheet of the office's own notes
        tables.append(Table(title, header, data))
    wb.close()
    if not tables:
        raise ReviewFileError(f"{path.name}：没有找到“{Sheet.INQUIRY}”“{Sheet.FINDING}”"
                              f"或“{Sheet.ACCOUNT}”工作表")
    return tables


def _read_csv(path: Path) -> Table:
    data = path.read_bytes()
    try:
        if b"\x00" in data:
            raise ValueError("binary")
        text = decode_csv(data)
        rows = [(n, row) for n, row in enumerate(csv.reader(io.StringIO(text)), start=1)]
    except (ValueError, csv.Error) as exc:
        raise ReviewFileError(f"{path.name}：无法作为 CSV 文本文件读取，请确认是 UTF-8 或 GBK 编码的 CSV") from exc
    start = _header_start(rows)
    if start is None:
        raise ReviewFileError(f"{path.name}：文件是空的")
    return Table(path.name, rows[start][1], rows[start + 1:])


def write_workbook(path: Path, rows: dict[Sheet, Sequence[Sequence[object]]],
                   iset: IndicatorSet) -> Path:
    """The three sheets (with ``rows``), a 说明 sheet and the indicator set's items."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    wb.remove(wb.active)
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    yes_no = {"答复是否有效", "互动功能是否可用"}
    for sheet in Sheet:
        columns = COLUMNS[sheet]
        ws = wb.create_sheet(sheet.value)
        ws.append([c.header for c in columns])
        for cell in ws[1]:
            cell.font, cell.fill = bold, fill
        for row in rows.get(sheet, ()):
            ws.append(list(row))
        last = max(len(rows.get(sheet, ())) + 1, 500)
        for i, c in enumerate(columns, start=1):
            letter = ws.cell(row=1, column=i).column_letter
            ws.column_dimensions[letter].width = 30 if c.header in ("问题", "问题描述") else 20
            if i == 1:  # codes stay text (no 3.41E+09)
                for r in range(2, last + 1):
                    ws.cell(row=r, column=i).number_format = "@"
            if "时间" in c.header and "菜单" not in c.header:
                for r in range(2, last + 1):
                    ws.cell(row=r, column=i).number_format = DATETIME_FORMAT
            if c.header in yes_no:
                dv = DataValidation(type="list", formula1=f'"{YES},{NO}"', allow_blank=True,
                                    showErrorMessage=True, errorTitle="输入无效",
                                    error="请填“是”或“否”")
                dv.add(f"{letter}2:{letter}1048576")
                ws.add_data_validation(dv)
        ws.freeze_panes = "A2"

    ws = wb.create_sheet(HELP_SHEET)
    ws.append(["工作表", "列名", "是否必填", "填写说明"])
    for cell in ws[1]:
        cell.font, cell.fill = bold, fill
    for sheet in Sheet:
        for c in COLUMNS[sheet]:
            required = "必填" if not c.allow_empty else "可空"
            ws.append([sheet.value, c.header, required, c.help])
    ws.append([])
    for note in (
        "1. 三个工作表可只填其中需要的；第1行为表头，请勿修改列名；示例行请改为实际内容或删除。",
        "2. 导入时须指定检查轮次（govinspect review import 文件 --round 轮次）；网站须为该轮检查的网站，"
        "账号须在名录中。",
        "3. 导入前会检查整个文件，发现任何问题都不会导入，并逐条列出问题所在的工作表、行号和列名。",
        "4. 重复导入同一文件不会产生重复记录：模拟咨询按“网站+提问时间”、政务新媒体检查按账号、"
        "人工检查问题按“对象+指标+扣分项+证据网址”更新。",
        f"5. 指标和扣分项见“{INDICATOR_SHEET}”工作表（指标体系：{iset.name}）。",
    ):
        ws.append(["注意", None, None, note])
    for letter, width in zip("ABCD", (16, 22, 10, 90), strict=True):
        ws.column_dimensions[letter].width = width
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")

    ws = wb.create_sheet(INDICATOR_SHEET)
    ws.append(["指标", "名称", "类别", "对象", "扣分项", "扣分项说明", "每处分值", "上限", "需人工检查"])
    for cell in ws[1]:
        cell.font, cell.fill = bold, fill
    for iid, ind in iset.indicators.items():
        items = ind.get("items") or {"": {}}
        for key, entry in items.items():
            entry = entry or {}
            ws.append([iid, ind.get("name", ""), FAMILY_NAMES.get(ind.get("family"), ""),
                       "网站" if iset.subject(iid) == "site" else "政务新媒体", key,
                       item_label(iset, iid, key) if key else iset.sentence(iid),
                       entry.get("points"), ind.get("cap"), YES if ind.get("manual") else ""])
    for letter, width in zip("ABCDEFGHI", (8, 20, 10, 10, 20, 40, 8, 6, 10), strict=True):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "A2"

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".part")
    wb.save(tmp)
    tmp.replace(path)
    return path
