"""Attachment bytes → text chunks with their location (page / sheet and row / paragraph), for
the privacy rules. No network; ``.doc`` goes through antiword when it is installed and is
skipped with a note otherwise."""

from __future__ import annotations

import io
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import PurePosixPath


@dataclass(frozen=True)
class Chunk:
    location: str  # zh-hans: "第3页", "工作表“名单”第5行", "第2个表格第4行", "正文"
    text: str


class AttachmentError(ValueError):
    """The attachment cannot be read; the message (zh-hans) says which and why."""


SUPPORTED = (".pdf", ".docx", ".xlsx", ".xls", ".doc")


def kind_of(filename: str, data: bytes) -> str:
    ext = PurePosixPath(filename.lower()).suffix
    if data.startswith(b"%PDF"):
        return ".pdf"
    if data.startswith(b"PK") and ext in (".docx", ".xlsx"):
        return ext
    if data.startswith(b"\xd0\xcf\x11\xe0") and ext in (".xls", ".doc"):
        return ext
    return ext


def extract_chunks(data: bytes, filename: str) -> list[Chunk]:
    """Text of an attachment, one chunk per page / row / paragraph block."""
    kind = kind_of(filename, data)
    try:
        if kind == ".pdf":
            return _pdf(data)
        if kind == ".docx":
            return _docx(data)
        if kind == ".xlsx":
            return _xlsx(data)
        if kind == ".xls":
            return _xls(data)
        if kind == ".doc":
            return _doc(data)
    except AttachmentError:
        raise
    except Exception as exc:  # broken files come in every shape; report, never crash
        raise AttachmentError(f"附件 {filename} 无法解析（{type(exc).__name__}）") from None
    raise AttachmentError(f"附件 {filename}：不支持的格式（支持 {'、'.join(SUPPORTED)}）")


def _pdf(data: bytes) -> list[Chunk]:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    return [Chunk(f"第{i}页", page.extract_text() or "")
            for i, page in enumerate(reader.pages, start=1)]


def _docx(data: bytes) -> list[Chunk]:
    import docx

    document = docx.Document(io.BytesIO(data))
    chunks = [Chunk("正文", "\n".join(p.text for p in document.paragraphs))]
    for t, table in enumerate(document.tables, start=1):
        for r, row in enumerate(table.rows, start=1):
            chunks.append(Chunk(f"第{t}个表格第{r}行", "\t".join(c.text for c in row.cells)))
    return chunks


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # ID numbers typed as numbers come back as floats
    return str(value)


def _xlsx(data: bytes) -> list[Chunk]:
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    chunks = []
    for sheet in book.worksheets:
        for r, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            line = "\t".join(_cell(v) for v in row)
            if line.strip():
                chunks.append(Chunk(f"工作表“{sheet.title}”第{r}行", line))
    book.close()
    return chunks


def _xls(data: bytes) -> list[Chunk]:
    import xlrd

    book = xlrd.open_workbook(file_contents=data)
    chunks = []
    for sheet in book.sheets():
        for r in range(sheet.nrows):
            line = "\t".join(_cell(v) for v in sheet.row_values(r))
            if line.strip():
                chunks.append(Chunk(f"工作表“{sheet.name}”第{r + 1}行", line))
    return chunks


def _doc(data: bytes) -> list[Chunk]:
    antiword = shutil.which("antiword")
    if antiword is None:
        raise AttachmentError("附件为 .doc 格式，本机未安装 antiword，已跳过")
    out = subprocess.run([antiword, "-m", "UTF-8.txt", "-"], input=data, capture_output=True,
                         timeout=60, check=False)
    if out.returncode != 0:
        raise AttachmentError("附件为 .doc 格式，antiword 无法解析")
    return [Chunk("正文", out.stdout.decode("utf-8", "replace"))]
