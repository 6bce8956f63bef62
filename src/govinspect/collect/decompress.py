"""Content-Encoding decoding with a cap on the decoded size (pure, no I/O).

A gzip bomb (a few MB that inflate to GBs) must cost no more memory than the cap: output is
produced at most ``_CHUNK`` bytes at a time and decoding stops once ``cap`` bytes are out; the
caller keeps what was decoded and says it was cut. gzip may hold several members (browsers
read them all); deflate is zlib-wrapped or raw (some servers send raw); br and zstd as Scrapy
reads them.
"""

from __future__ import annotations

import zlib

_CHUNK = 1 << 16


def _inflate(data: bytes, wbits: int, cap: int, members: bool) -> tuple[bytes, bool]:
    out = bytearray()
    rest = data
    while rest:
        d = zlib.decompressobj(wbits)
        pending = rest
        while True:
            room = cap - len(out) if cap else _CHUNK
            if cap and room <= 0:
                return bytes(out), True
            try:
                chunk = d.decompress(pending, min(_CHUNK, room) if cap else _CHUNK)
            except zlib.error:
                if not out:
                    raise
                return bytes(out), False  # garbage after good data: keep the good part
            out += chunk
            pending = d.unconsumed_tail
            if d.eof or (not pending and not chunk):
                break
        if not d.eof:
            # The stream ends early (a cut download): keep what came through. Whatever the
            # decoder still holds is produced by flush, within the cap.
            tail = d.flush()
            if cap and len(out) + len(tail) > cap:
                out += tail[:cap - len(out)]
                return bytes(out), True
            out += tail
            break
        rest = d.unused_data if members else b""
        # Padding after the last gzip member (zero bytes) ends the body.
        if not rest.lstrip(b"\0"):
            break
    return bytes(out), False


def decode_capped(body: bytes, encoding: str, cap: int) -> tuple[bytes, bool]:
    """(decoded body, whether it was cut at ``cap`` bytes); ``cap`` 0: no cap. Raises
    ValueError when the body is not in ``encoding`` at all (nothing decodes)."""
    enc = encoding.strip().lower()
    try:
        if enc in ("gzip", "x-gzip"):
            return _inflate(body, zlib.MAX_WBITS | 16, cap, members=True)
        if enc == "deflate":
            try:
                return _inflate(body, zlib.MAX_WBITS, cap, members=False)
            except zlib.error:
                return _inflate(body, -zlib.MAX_WBITS, cap, members=False)
        if enc == "br":
            return _unbrotli(body, cap)
        if enc == "zstd":
            return _unzstd(body, cap)
    except zlib.error as e:
        raise ValueError(f"not {enc}: {e}") from e
    return body, False


def _unbrotli(body: bytes, cap: int) -> tuple[bytes, bool]:
    try:
        import brotli
    except ImportError:  # pragma: no cover - Scrapy installs one of the two
        import brotlicffi as brotli
    d = brotli.Decompressor()
    out = bytearray()
    try:
        chunk = d.process(body, output_buffer_limit=_CHUNK)
        while True:
            out += chunk
            if cap and len(out) >= cap:
                return bytes(out[:cap]), True
            if d.is_finished():
                break
            chunk = d.process(b"", output_buffer_limit=_CHUNK)
            if not chunk:
                break
    except brotli.error as e:
        if not out:
            raise ValueError(f"not br: {e}") from e
    return bytes(out), False


def _unzstd(body: bytes, cap: int) -> tuple[bytes, bool]:
    import io
    import sys

    if sys.version_info >= (3, 14):  # pragma: no cover
        from compression import zstd
    else:
        from backports import zstd
    reader = zstd.ZstdFile(io.BytesIO(body))
    out = bytearray()
    while True:
        try:
            chunk = reader.read(_CHUNK)
        except EOFError:
            break
        except zstd.ZstdError as e:
            if not out:
                raise ValueError(f"not zstd: {e}") from e
            break
        if not chunk:
            break
        out += chunk
        if cap and len(out) >= cap:
            return bytes(out[:cap]), True
    return bytes(out), False
