"""What a 通报 is made of, independent of the output format (docx / xlsx / html)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

EMPTY = "无"  # what an attachment with no rows prints


@dataclass(frozen=True)
class NoticeMeta:
    """The round's facts that are not findings."""

    issuer: str  # 滁州市人民政府办公室
    year: int
    quarter: int  # 1–4
    check_start: dt.date
    check_end: dt.date
    issued_on: dt.date
    rectify_deadline: dt.date | None = None
    openness_text: str = ""  # 政务公开: written by the inspectors
    doc_number: str = ""  # 文号, e.g. 滁政办秘〔2022〕45号 (printed centred above the title)
    previous_period: str = "上个季度"


@dataclass(frozen=True)
class Paragraph:
    # docno | title | to | h1 | h2 | body | lead | att | sign | date | blank
    style: str
    text: str
    lead: str = ""  # for style "lead": the 楷体 lead-in sentence, ``text`` is the rest


@dataclass(frozen=True)
class Table:
    label: str  # 附件1
    title: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    note: str = ""


@dataclass(frozen=True)
class Notice:
    title: str
    paragraphs: tuple[Paragraph, ...]
    attachments: tuple[Table, ...] = field(default_factory=tuple)

    @property
    def text(self) -> str:
        """Plain text of the body and the attachments (what a reader of the PDF sees)."""
        lines = [(p.lead + p.text) for p in self.paragraphs if p.style != "blank"]
        for table in self.attachments:
            lines += [table.label, table.title, "\t".join(table.header)]
            lines += ["\t".join(row) for row in table.rows] or [EMPTY]
            if table.note:
                lines.append(table.note)
        return "\n".join(lines)
