"""Stamp written reports: the 草稿 watermark on every page of a draft, and on every output the
sentence that says how many findings still wait for review and whether the scores count them.

Applied after the renderers wrote their files, so every renderer's output gets the same marks:
.xlsx (every sheet's printed header and footer), .docx (every section's header and footer),
.html (a banner and a fixed watermark), summary.json (``draft`` and ``review`` keys).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path

from govinspect.reports.atomic import atomic_path, write_text

DRAFT = "草稿"
DRAFT_NOTE = "草稿：本轮检查尚未完成采集和分析（或按 --draft 生成），不得作为正式结果印发"


def stamp_files(paths: Iterable[Path], review: str, *, draft: bool,
                review_counts: dict | None = None) -> list[Path]:
    """Stamp every file of ``paths`` it knows; returns the files stamped."""
    done = []
    for path in paths:
        path = Path(path)
        suffix = path.suffix.lower()
        if suffix == ".xlsx":
            _xlsx(path, review, draft)
        elif suffix == ".docx":
            _docx(path, review, draft)
        elif suffix in (".html", ".htm"):
            _html(path, review, draft)
        elif path.name == "summary.json":
            _summary(path, review, draft, review_counts or {})
        else:
            continue
        done.append(path)
    return done


def _xlsx(path: Path, review: str, draft: bool) -> None:
    from openpyxl import load_workbook

    wb = load_workbook(path)
    for ws in wb.worksheets:
        for header in (ws.oddHeader, ws.evenHeader, ws.firstHeader):
            if draft:
                header.center.text = DRAFT
                header.center.size = 28
                header.center.color = "C00000"
        for footer in (ws.oddFooter, ws.evenFooter, ws.firstFooter):
            footer.left.text = review
            footer.left.size = 9
    with atomic_path(path) as tmp:
        wb.save(tmp)


def _docx(path: Path, review: str, draft: bool) -> None:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt, RGBColor

    doc = Document(str(path))
    for section in doc.sections:
        if draft:
            for header in (section.header, section.first_page_header, section.even_page_header):
                header.is_linked_to_previous = False
                p = header.add_paragraph()
                p.alignment = WD_ALIGN_PARAGRAPH.CENTER
                run = p.add_run(f"{DRAFT}　{DRAFT_NOTE}")
                run.bold = True
                run.font.size = Pt(12)
                run.font.color.rgb = RGBColor(0xC0, 0, 0)
        for footer in (section.footer, section.first_page_footer, section.even_page_footer):
            footer.is_linked_to_previous = False
            p = footer.add_paragraph()
            run = p.add_run(review)
            run.font.size = Pt(9)
    with atomic_path(path) as tmp:
        doc.save(str(tmp))


_BODY = re.compile(r"<body[^>]*>", re.IGNORECASE)


def _html(path: Path, review: str, draft: bool) -> None:
    text = path.read_text(encoding="utf-8")
    marks = []
    if draft:
        marks.append(
            '<div class="gi-draft" style="position:fixed;top:40%;left:0;right:0;'
            'text-align:center;font-size:120px;color:rgba(192,0,0,.12);transform:rotate(-20deg);'
            f'pointer-events:none;z-index:1000">{DRAFT}</div>'
            '<p class="gi-draft-note" style="border:2px solid #c00000;color:#c00000;'
            f'padding:.5em;font-weight:bold">{DRAFT_NOTE}</p>')
    marks.append(f'<p class="gi-review" style="background:#fff6d5;padding:.4em">{review}</p>')
    m = _BODY.search(text)
    at = m.end() if m else 0
    write_text(path, text[:at] + "".join(marks) + text[at:])


def _summary(path: Path, review: str, draft: bool, counts: dict) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    if isinstance(data, dict):
        data["draft"] = draft
        data["review"] = {"sentence": review, **counts}
        write_text(path, json.dumps(data, ensure_ascii=False, indent=2))
