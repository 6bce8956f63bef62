"""Reading and writing the manual-check workbook (.xlsx, or one sheet as .csv). File I/O only;
the format and its validation live in ``govinspect.indicators.manual_io``."""

from __future__ import annotations

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
from govinspect.core.indicator_sets import IndicatorSet
from govinspect.core.roster import NO, YES, Table
from govinspect.core.sheets import split_header
from govinspect.indicators.manual_io import (
    COLUMNS,
    HELP_SHEET,
    INDICATOR_SHEET,
    Sheet,
    classify_sheet,
    item_label,
)
from govinspect.web.roster.files import RosterFileError

FAMILY_NAMES = {"veto": "单项否决", "deduction": "扣分", "bonus": "加分", "problem": "问题（不计分）"}
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"


class ReviewFileError(RosterFileError):
    """The file cannot be read at all; the message is for the office."""


def read_tables(path: Path) -> list[Table]:
    path = Path(path)
    try:
        if check_file(path) == ".csv":
            # One sheet saved as CSV: the parser tells it by its header.
            split = split_header(read_csv(path, tabs=False))
            if split is None:
                raise ReviewFileError(f"{path.name}：文件是空的")
            return [Table(path.name, *split)]
        sheets = read_xlsx(path, skip=(HELP_SHEET, INDICATOR_SHEET))
    except SheetFileError as exc:
        raise ReviewFileError(str(exc)) from exc
    tables = []
    for title, rows in sheets:
        split = split_header(rows)
        if split is None or classify_sheet(title, split[0]) is None:
            continue  # an empty sheet, or one of the office's own notes
        tables.append(Table(title, *split))
    if not tables:
        raise ReviewFileError(f"{path.name}：没有找到“{Sheet.INQUIRY}”“{Sheet.FINDING}”"
                              f"或“{Sheet.ACCOUNT}”工作表")
    return tables


def write_workbook(path: Path, rows: dict[Sheet, Sequence[Sequence[object]]],
                   iset: IndicatorSet) -> Path:
    """The three sheets (with ``rows``), a 说明 sheet and the indicator set's items."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    yes_no = {"答复是否有效", "互动功能是否可用"}
    for sheet in Sheet:
        columns = COLUMNS[sheet]
        ws = wb.create_sheet(sheet.value)
        ws.append([c.header for c in columns])
        style_header(ws)
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
                add_choices(ws, letter, (YES, NO), error="请填“是”或“否”")
        ws.freeze_panes = "A2"

    add_help_sheet(wb, HELP_SHEET, (
        [sheet.value, c.header, "必填" if not c.allow_empty else "可空", c.help]
        for sheet in Sheet for c in COLUMNS[sheet]
    ), (
        "1. 三个工作表可只填其中需要的；第1行为表头，请勿修改列名；示例行请改为实际内容或删除。",
        "2. 导入时须指定检查轮次（govinspect review import 文件 --round 轮次）；网站须为该轮检查的网站，"
        "账号须在名录中。",
        "3. 导入前会检查整个文件，发现任何问题都不会导入，并逐条列出问题所在的工作表、行号和列名。",
        "4. 重复导入同一文件不会产生重复记录：模拟咨询按“网站+提问时间”、政务新媒体检查按账号、"
        "人工检查问题按“对象+指标+扣分项+证据网址”更新。",
        f"5. 指标和扣分项见“{INDICATOR_SHEET}”工作表（指标体系：{iset.name}）。",
    ), (16, 22, 10, 90))

    ws = wb.create_sheet(INDICATOR_SHEET)
    ws.append(["指标", "名称", "类别", "对象", "扣分项", "扣分项说明", "每处分值", "上限", "需人工检查"])
    style_header(ws)
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
    return save_workbook(wb, path)
