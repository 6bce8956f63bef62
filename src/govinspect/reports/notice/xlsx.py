"""The 通报's attachments as one .xlsx workbook, one sheet per attachment."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from govinspect.reports.atomic import atomic_path
from govinspect.reports.notice.model import EMPTY, Notice

THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


def write_xlsx(notice: Notice, path: Path | str) -> Path:
    """Sheets 附件1…; row 1 the title, row 2 the header, then the rows (written atomically)."""
    path = Path(path)
    wb = Workbook()
    wb.remove(wb.active)
    for table in notice.attachments:
        ws = wb.create_sheet(table.label)
        width = len(table.header)
        ws.cell(1, 1, table.title).font = Font(name="黑体", size=14, bold=True)
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
        ws.cell(1, 1).alignment = Alignment(horizontal="center")
        for c, text in enumerate(table.header, start=1):
            cell = ws.cell(2, c, text)
            cell.font = Font(name="黑体", bold=True)
            cell.border = BOX
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        if not table.rows:  # an empty attachment says so ("无") instead of vanishing
            ws.cell(3, 1, EMPTY).border = BOX
            ws.merge_cells(start_row=3, start_column=1, end_row=3, end_column=width)
            ws.cell(3, 1).alignment = Alignment(horizontal="center")
        for r, row in enumerate(table.rows, start=3):
            for c, text in enumerate(row, start=1):
                value: object = text
                if table.header[c - 1] in ("排名", "序号"):
                    value = int(text)
                elif table.header[c - 1] == "得分" and text not in ("合格", "不合格"):
                    value = float(text)
                cell = ws.cell(r, c, value)
                cell.border = BOX
                cell.font = Font(name="仿宋_GB2312")
                if isinstance(value, float):
                    cell.number_format = "0.00"
        body_rows = max(len(table.rows), 1)
        if table.note:
            ws.cell(body_rows + 3, 1, table.note)
        for c, _ in enumerate(table.header, start=1):
            longest = max([len(str(ws.cell(r, c).value or "")) for r in
                           range(2, len(table.rows) + 3)] + [4])
            ws.column_dimensions[get_column_letter(c)].width = min(60, longest * 2 + 2)
        ws.freeze_panes = "A3"
    with atomic_path(path) as tmp:
        wb.save(str(tmp))
    return path
