"""Decode page bytes: cheap checks first (BOM, strict UTF-8, declared charset), then
charset_normalizer only when those are inconclusive."""

from __future__ import annotations

import codecs
import re

_META_CHARSET = re.compile(rb"""<meta[^>]{0,300}?charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_\-]+)", re.I)

# Declared Chinese charsets are decoded with their superset: pages labelled GB2312 routinely
# contain GBK characters.
_SUPERSET = {"gb2312": "gb18030", "gbk": "gb18030", "gb18030": "gb18030", "x-gbk": "gb18030",
             "big5": "big5hkscs", "ascii": "utf-8", "us-ascii": "utf-8", "iso-8859-1": "cp1252",
             "latin-1": "cp1252", "utf8": "utf-8"}


def _norm(name: str | None) -> str | None:
    if not name:
        return None
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def declared_charset(body: bytes, headers: dict | None = None) -> str | None:
    """The charset named by the HTTP Content-Type header, else by the first <meta>."""
    if headers:
        for key, value in headers.items():
            if str(key).lower() == "content-type":
                m = _HEADER_CHARSET.search(str(value))
                if m:
                    return m.group(1).lower()
    m = _META_CHARSET.search(body[:4096])
    return m.group(1).decode("ascii", "replace").lower() if m else None


_LAST: tuple = (None, None, None)  # (body, headers, result) of the last call


def decode(body: bytes, headers: dict | None = None) -> tuple[str, str | None, str]:
    """Return (text, declared charset as written, charset actually used)."""
    # extraction and the page rules decode the same bytes object in turn: the second time
    # is free (bytes are immutable; an equal but different object is decoded again). The
    # memo is one tuple, read once: threads see a whole entry or another whole entry.
    global _LAST
    last = _LAST
    if type(body) is bytes and body is last[0] and headers == last[1]:
        return last[2]
    result = _decode(body, headers)
    if type(body) is bytes:
        _LAST = (body, dict(headers) if headers else headers, result)
    return result


def _decode(body: bytes, headers: dict | None) -> tuple[str, str | None, str]:
    declared = declared_charset(body, headers)
    for bom, name in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16"),
                      (codecs.BOM_UTF16_BE, "utf-16")):
        if body.startswith(bom):
            try:
                return body.decode(name).lstrip("\ufeff"), declared, name
            except UnicodeDecodeError:
                break
    try:
        return body.decode("utf-8"), declared, "utf-8"
    except UnicodeDecodeError:
        pass
    wanted = _norm(declared)
    if wanted and wanted != "utf-8":
        codec = _SUPERSET.get(wanted, wanted)
        try:
            return body.decode(codec), declared, wanted
        except (UnicodeDecodeError, LookupError):
            pass
    # Inconclusive: not UTF-8 and the declaration is missing or wrong.
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(body[:200_000]).best()
    except Exception:  # charset_normalizer must never break extraction
        best = None
    if best is not None and best.encoding:
        name = _norm(best.encoding) or best.encoding
        codec = _SUPERSET.get(name, name)
        try:
            return body.decode(codec, errors="replace"), declared, name
        except LookupError:
            pass
    # Chinese sites: GB18030 is the likeliest non-UTF-8 encoding.
    return body.decode("gb18030", errors="replace"), declared, "gb18030"
