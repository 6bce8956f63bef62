"""The rectification items and their audit trail as one workbook (what the user may see)."""

from __future__ import annotations

import io

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font

ITEM_COLUMNS = ["编号", "单位", "网站或账号", "问题", "问题描述", "问题页面数", "问题页面",
                "计入评分", "状态", "整改期限", "是否逾期"]
AUDIT_COLUMNS = ["事项编号", "时间", "操作人", "原状态", "新状态", "说明", "附件"]
RECHECK_COLUMNS = ["事项编号", "开始时间", "结束时间", "结果", "说明", "重新抓取的页面"]


def _sheet(ws, columns, rows, widths):
    ws.append(columns)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append(row)
    ws.freeze_panes = "A2"
    for letter, width in widths.items():
        ws.column_dimensions[letter].width = width


def items_workbook(items, audit) -> bytes:
    """``items`` and ``audit`` are querysets the caller already scoped."""
    wb = Workbook()
    rows = []
    chosen = list(items.select_related("unit", "site", "account").order_by("unit__name", "id"))
    for it in chosen:
        rows.append([it.pk, str(it.unit), it.subject_name, it.title, it.message, len(it.pages),
                     "\n".join(it.pages[:50]) + ("\n……" if len(it.pages) > 50 else ""),
                     "是" if it.counted else "否", it.state, it.deadline.isoformat(),
                     "是" if it.overdue else "否"])
    _sheet(wb.active, ITEM_COLUMNS, rows, {"B": 24, "C": 28, "D": 28, "E": 50, "G": 60})
    wb.active.title = "整改事项"
    entries = audit.filter(item__in=[it.pk for it in chosen]).order_by("item_id", "at", "id")
    _sheet(wb.create_sheet("整改记录"), AUDIT_COLUMNS,
           [[e.item_id, timezone.localtime(e.at).strftime("%Y-%m-%d %H:%M:%S"), e.actor_name,
             e.from_state or "—", e.to_state, e.reason, e.file.name.rsplit("/", 1)[-1]
             if e.file else ""] for e in entries],
           {"B": 20, "C": 20, "F": 60, "G": 30})
    from govinspect.web.rectify.models import Recheck

    def when(at) -> str:
        return timezone.localtime(at).strftime("%Y-%m-%d %H:%M:%S") if at else ""

    rechecks = Recheck.objects.filter(item__in=[it.pk for it in chosen]).order_by(
        "item_id", "started", "id")
    _sheet(wb.create_sheet("自动复查"), RECHECK_COLUMNS,
           [[r.item_id, when(r.started), when(r.finished), r.outcome, r.note,
             "\n".join(f"{p['url']}（{p.get('status') or '未取得'}）" for p in r.pages[:50])]
            for r in rechecks],
           {"B": 20, "C": 20, "E": 60, "F": 60})
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
