"""Small, valid, deterministic attachment files (PDF, DOCX, XLSX, legacy XLS) and images.

Hand-written containers instead of python-docx/openpyxl writers: those stamp the current
time into the zip and the document properties, and they are ~100× slower; the demo needs
byte-identical output for a seed and thousands of files in seconds. The files open in the
usual readers (pypdf, python-docx, openpyxl, xlrd), which the tests check.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from xml.sax.saxutils import escape

_ZIP_TIME = (2022, 1, 1, 0, 0, 0)


def _zip(members: list[tuple[str, str]]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in members:
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, text.encode("utf-8"))
    return buf.getvalue()


# -- DOCX -------------------------------------------------------------------------------

def docx(title: str, paragraphs: list[str]) -> bytes:
    body = "".join(
        f'<w:p><w:r><w:t xml:space="preserve">{escape(p)}</w:t></w:r></w:p>'
        for p in [title, *paragraphs]
    )
    document = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f"<w:body>{body}<w:sectPr/></w:body></w:document>"
    )
    return _zip([
        ("[Content_Types].xml",
         '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
         '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
         '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
         '<Default Extension="xml" ContentType="application/xml"/>'
         '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
         "</Types>"),
        ("_rels/.rels",
         '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
         '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
         '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'
         "</Relationships>"),
        ("word/document.xml", document),
    ])


# -- XLSX -------------------------------------------------------------------------------

def _col(i: int) -> str:
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s


def xlsx(sheet: str, rows: list[list[str]]) -> bytes:
    cells = []
    for r, row in enumerate(rows, 1):
        cs = "".join(
            f'<c r="{_col(c)}{r}" t="inlineStr"><is><t>{escape(v)}</t></is></c>'
            for c, v in enumerate(row)
        )
        cells.append(f'<row r="{r}">{cs}</row>')
    ws = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<sheetData>{"".join(cells)}</sheetData></worksheet>'
    )
    return _zip([
        ("[Content_Types].xml",
         '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
         '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
         '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
         '<Default Extension="xml" ContentType="application/xml"/>'
         '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
         '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
         "</Types>"),
        ("_rels/.rels",
         '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
         '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
         '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
         "</Relationships>"),
        ("xl/workbook.xml",
         '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
         '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
         'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
         f'<sheets><sheet name="{escape(sheet)}" sheetId="1" r:id="rId1"/></sheets></workbook>'),
        ("xl/_rels/workbook.xml.rels",
         '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
         '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
         '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
         "</Relationships>"),
        ("xl/worksheets/sheet1.xml", ws),
    ])


# -- PDF --------------------------------------------------------------------------------

def _to_unicode_cmap() -> bytes:
    # Codes are UCS-2 already (UniGB-UCS2-H), so the ToUnicode map is the identity on the
    # BMP; it makes text extraction exact in every reader.
    lines = [f"<{hi:02X}00> <{hi:02X}FF> <{hi:02X}00>" for hi in range(256)]
    chunks = []
    for i in range(0, 256, 100):
        part = lines[i:i + 100]
        chunks.append(f"{len(part)} beginbfrange\n" + "\n".join(part) + "\nendbfrange")
    return (
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
        "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n"
        + "\n".join(chunks) + "\nendcmap\nCMapName currentdict /CMap defineresource pop\nend\nend"
    ).encode("ascii")


_CMAP = _to_unicode_cmap()


def pdf(lines: list[str]) -> bytes:
    """A one-page PDF with the lines in the standard CJK font STSong-Light (not embedded)."""
    ops = ["BT", "/F1 12 Tf", "14 TL", "50 790 Td"]
    for line in lines:
        ops.append(f"<{line.encode('utf-16-be').hex().upper()}> Tj T*")
    ops.append("ET")
    content = "\n".join(ops).encode("ascii")
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H "
        b"/DescendantFonts [6 0 R] /ToUnicode 7 0 R >>",
        b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light "
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 4 >> "
        b"/FontDescriptor 8 0 R /DW 1000 >>",
        b"<< /Length %d >>\nstream\n" % len(_CMAP) + _CMAP + b"\nendstream",
        b"<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 "
        b"/FontBBox [-25 -254 1000 880] /ItalicAngle 0 /Ascent 880 /Descent -120 "
        b"/CapHeight 880 /StemV 93 >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objs, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % i + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1))
    for off in offsets:
        out.write(b"%010d 00000 n \n" % off)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n"
              % (len(objs) + 1, xref))
    return out.getvalue()


# -- legacy XLS (BIFF8 in an OLE2 compound file) -----------------------------------------

def _rec(rtype: int, data: bytes) -> bytes:
    return struct.pack("<HH", rtype, len(data)) + data


def _biff_str(s: str, len_bytes: int = 2) -> bytes:
    raw = s.encode("utf-16-le")
    head = struct.pack("<H" if len_bytes == 2 else "<B", len(s)) + b"\x01"
    return head + raw


def xls(sheet: str, rows: list[list[str]]) -> bytes:
    """A BIFF8 workbook with one sheet of text cells (what old 办公 software still posts)."""
    bof_globals = _rec(0x0809, struct.pack("<HHHHII", 0x0600, 0x0005, 0x0DBB, 0x07CC, 0, 6))
    codepage = _rec(0x0042, struct.pack("<H", 1200))
    fonts = b"".join(_rec(0x0031, struct.pack("<HHHHHBBBB", 200, 0, 0x7FFF, 400, 0, 0, 0,
                                                 0x86, 0) + _biff_str("宋体", 1))
                     for _ in range(4))
    xfs = b"".join(_rec(0x00E0, struct.pack("<HHHBBBBIIH", 0, 0, 0xFFF5 if i < 15 else 0x0001,
                                            0x20, 0, 0, 0, 0, 0, 0x20C0))
                   for i in range(16))
    sheet_name = _biff_str(sheet, 1)
    boundsheet_len = 4 + 6 + len(sheet_name)
    eof = _rec(0x000A, b"")
    globals_wo_bs = bof_globals + codepage + fonts + xfs
    sheet_offset = len(globals_wo_bs) + boundsheet_len + len(eof)
    boundsheet = _rec(0x0085, struct.pack("<IBB", sheet_offset, 0, 0) + sheet_name)
    ws = _rec(0x0809, struct.pack("<HHHHII", 0x0600, 0x0010, 0x0DBB, 0x07CC, 0, 6))
    ncols = max((len(r) for r in rows), default=0)
    ws += _rec(0x0200, struct.pack("<IIHHH", 0, len(rows), 0, ncols, 0))
    for r, row in enumerate(rows):
        for c, v in enumerate(row):
            ws += _rec(0x0204, struct.pack("<HHH", r, c, 15) + _biff_str(v))  # LABEL
    ws += eof
    stream = globals_wo_bs + boundsheet + eof + ws
    return _cfb({"Workbook": stream})


def _cfb(streams: dict[str, bytes]) -> bytes:
    """A minimal OLE2 compound file holding the given streams (each padded to ≥4096 bytes
    so that no mini stream is needed)."""
    sec = 512
    data = b""
    entries = []
    start = 0
    for name, blob in streams.items():
        blob = blob + b"\x00" * (max(4096, -(-len(blob) // sec) * sec) - len(blob))
        entries.append((name, start, len(blob)))
        start += len(blob) // sec
        data += blob
    n_data = len(data) // sec
    dir_sector = n_data
    n_fat_entries = n_data + 2  # data, directory, the FAT itself
    fat_sector = n_data + 1
    fat = []
    for _name, first, size in entries:
        n = size // sec
        fat += [first + i + 1 for i in range(n - 1)] + [0xFFFFFFFE]
    fat.append(0xFFFFFFFE)  # directory chain
    fat.append(0xFFFFFFFD)  # FAT sector
    fat += [0xFFFFFFFF] * (128 - len(fat))
    assert n_fat_entries <= 128

    def dirent(name: str, typ: int, child: int, first: int, size: int) -> bytes:
        raw = (name + "\x00").encode("utf-16-le") if name else b""
        return (raw.ljust(64, b"\x00") + struct.pack("<HBB", len(raw), typ, 1)
                + struct.pack("<III", 0xFFFFFFFF, 0xFFFFFFFF, child)
                + b"\x00" * 16 + struct.pack("<I", 0) + b"\x00" * 16
                + struct.pack("<III", first, size, 0))

    dirs = dirent("Root Entry", 5, 1, 0xFFFFFFFE, 0)
    for name, first, size in entries:
        dirs += dirent(name, 2, 0xFFFFFFFF, first, size)
    dirs = dirs.ljust(sec, b"\x00")
    header = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 16
              + struct.pack("<HHHHH", 0x003E, 0x0003, 0xFFFE, 9, 6) + b"\x00" * 6
              + struct.pack("<IIIIIIIII", 0, 1, dir_sector, 0, 4096, 0xFFFFFFFE, 0,
                            0xFFFFFFFE, 0)
              + struct.pack("<I", fat_sector) + struct.pack("<I", 0xFFFFFFFF) * 108)
    return header + data + dirs + struct.pack("<128I", *fat)


# -- images -----------------------------------------------------------------------------

def png(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    """A plain-colour PNG."""
    def chunk(tag: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + tag + data
                + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF))

    raw = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def text_of(kind: str, data: bytes) -> str:
    """Text of an attachment as the usual readers extract it (used by tests and docs)."""
    if kind == "pdf":
        from pypdf import PdfReader

        return "\n".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(data)).pages)
    if kind == "docx":
        import docx as _docx

        return "\n".join(p.text for p in _docx.Document(io.BytesIO(data)).paragraphs)
    if kind == "xlsx":
        from openpyxl import load_workbook

        wb = load_workbook(io.BytesIO(data), read_only=True)
        return "\n".join("\t".join("" if v is None else str(v) for v in row)
                         for ws in wb.worksheets for row in ws.iter_rows(values_only=True))
    if kind == "xls":
        import xlrd

        book = xlrd.open_workbook(file_contents=data)
        return "\n".join("\t".join(str(v) for v in sh.row_values(r))
                         for sh in book.sheets() for r in range(sh.nrows))
    raise ValueError(kind)
