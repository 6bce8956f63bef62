"""The 通报 as .docx in 公文 layout (GB/T 9704-2012).

A4; margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm (版心 156 × 225 mm); 22 lines ×
28 characters via the document grid; title 方正小标宋简体 二号 (22 pt); body 仿宋_GB2312 三号
(16 pt); 一级标题 黑体, 二级标题 楷体_GB2312; page numbers "— 1 —" in 宋体 四号, odd pages
right, even pages left. Fonts are named as the standard names them, with the East Asian slot
(w:eastAsia) set; where a font is missing the viewer substitutes (see docs/scoring.md for the
fallbacks we document and test with: Noto Serif/Sans CJK SC).
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, Twips

from govinspect.reports.atomic import atomic_path
from govinspect.reports.notice.model import EMPTY, Notice, Table

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
H1_FONT = "黑体"
H2_FONT = "楷体_GB2312"
PAGE_FONT = "宋体"

BODY_SIZE = Pt(16)  # 三号
TITLE_SIZE = Pt(22)  # 二号
PAGE_SIZE = Pt(14)  # 四号
TABLE_SIZE = Pt(12)  # 小四, attachment tables
TYPE_AREA_W_MM, TYPE_AREA_H_MM = 156, 225
LINES, CHARS = 22, 28
LINE_PITCH = Twips(round(TYPE_AREA_H_MM / 25.4 * 1440 / LINES))  # ≈ 579 twips
# 28 characters of 16 pt are 448 pt, the type area is 442 pt wide: condense each character
# by this many twips (1/20 pt) so that exactly 28 fit (15.75 pt × 28 = 441 pt).
BODY_CONDENSE_TWIPS = -5


def _font(run, name: str, size, bold: bool = False) -> None:
    run.font.name = name
    run.font.size = size
    run.font.bold = bold
    rpr = run._element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), name)
    if size == BODY_SIZE:
        spacing = OxmlElement("w:spacing")
        spacing.set(qn("w:val"), str(BODY_CONDENSE_TWIPS))
        rpr.append(spacing)


def _para(doc_or_cell, text: str = "", *, font: str = BODY_FONT, size=BODY_SIZE,
          align=None, indent_chars: int = 0, bold: bool = False, exact: bool = True):
    p = doc_or_cell.add_paragraph()
    fmt = p.paragraph_format
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    if exact:
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = LINE_PITCH
    if align is not None:
        p.alignment = align
    if indent_chars:
        fmt.first_line_indent = Pt(16 * indent_chars)
    if text:
        _font(p.add_run(text), font, size, bold)
    return p


def _grid(section) -> None:
    sect = section._sectPr
    grid = sect.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        sect.append(grid)
    grid.set(qn("w:type"), "lines")
    grid.set(qn("w:linePitch"), str(int(LINE_PITCH.twips)))


def _page_number(footer, align) -> None:
    footer.is_linked_to_previous = False
    p = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
    p.alignment = align
    fmt = p.paragraph_format
    if align == WD_ALIGN_PARAGRAPH.RIGHT:
        fmt.right_indent = Pt(14)  # 空一字
    else:
        fmt.left_indent = Pt(14)
    _font(p.add_run("— "), PAGE_FONT, PAGE_SIZE)
    for kind, text in (("begin", None), (None, "PAGE"), ("separate", None), (None, "1"),
                       ("end", None)):
        run = p.add_run()
        _font(run, PAGE_FONT, PAGE_SIZE)
        if kind:
            fld = OxmlElement("w:fldChar")
            fld.set(qn("w:fldCharType"), kind)
            run._element.append(fld)
        elif text == "PAGE":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = " PAGE "
            run._element.append(instr)
        else:
            run.text = text
    _font(p.add_run(" —"), PAGE_FONT, PAGE_SIZE)


def _set_cell(cell, text: str, *, bold: bool = False, size=TABLE_SIZE) -> None:
    cell.text = ""
    p = cell.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(p.add_run(text), H1_FONT if bold else BODY_FONT, size, False)


def _attachment(doc, table: Table) -> None:
    _para(doc, table.label, font=H1_FONT)
    _para(doc, table.title, font=TITLE_FONT, size=TITLE_SIZE, align=WD_ALIGN_PARAGRAPH.CENTER,
          exact=False)
    _para(doc, "")
    t = doc.add_table(rows=1, cols=len(table.header))
    t.style = "Table Grid"
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(t.rows[0].cells, table.header, strict=True):
        _set_cell(cell, text, bold=True)
    if not table.rows:  # an empty attachment says so ("无") instead of vanishing
        cells = t.add_row().cells
        merged = cells[0].merge(cells[-1])
        _set_cell(merged, EMPTY)
    for row in table.rows:
        cells = t.add_row().cells
        for cell, text in zip(cells, row, strict=True):
            _set_cell(cell, text)
    if table.note:
        _para(doc, table.note, size=Pt(14))


def write_docx(notice: Notice, path: Path | str) -> Path:
    """Write the 通报 to ``path`` (written to a temporary name first, then renamed)."""
    path = Path(path)
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.footer_distance = Mm(25)
    _grid(section)
    doc.settings.odd_and_even_pages_header_footer = True
    _page_number(section.footer, WD_ALIGN_PARAGRAPH.RIGHT)
    _page_number(section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)

    normal = doc.styles["Normal"]
    normal.font.name = BODY_FONT
    normal.font.size = BODY_SIZE
    rpr = normal.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    fonts.set(qn("w:eastAsia"), BODY_FONT)
    doc.core_properties.title = notice.title

    for p in notice.paragraphs:
        if p.style == "docno":  # 发文字号: centred, above the title
            _para(doc, "")
            _para(doc, p.text, align=WD_ALIGN_PARAGRAPH.CENTER)
        elif p.style == "title":
            _para(doc, "")
            _para(doc, p.text, font=TITLE_FONT, size=TITLE_SIZE,
                  align=WD_ALIGN_PARAGRAPH.CENTER, exact=False)
            _para(doc, "")
        elif p.style == "to":
            _para(doc, p.text)
        elif p.style == "h1":
            _para(doc, p.text, font=H1_FONT, indent_chars=2)
        elif p.style == "h2":
            _para(doc, p.text, font=H2_FONT, indent_chars=2)
        elif p.style == "lead":
            para = _para(doc, indent_chars=2)
            _font(para.add_run(p.lead), H2_FONT, BODY_SIZE)
            _font(para.add_run(p.text), BODY_FONT, BODY_SIZE)
        elif p.style == "att":
            if p.text.startswith("附件："):
                _para(doc, "")
            _para(doc, p.text, indent_chars=2)
        elif p.style == "sign":
            _para(doc, "")
            _para(doc, "")
            para = _para(doc, p.text, align=WD_ALIGN_PARAGRAPH.RIGHT)
            para.paragraph_format.right_indent = Pt(64)
        elif p.style == "date":
            para = _para(doc, p.text, align=WD_ALIGN_PARAGRAPH.RIGHT)
            para.paragraph_format.right_indent = Pt(64)
        else:
            _para(doc, p.text, indent_chars=2)

    for table in notice.attachments:
        new = doc.add_section(WD_SECTION.NEW_PAGE)
        _grid(new)
        _attachment(doc, table)

    with atomic_path(path) as tmp:
        doc.save(str(tmp))
    return path
