"""A size-rotated WARC/1.1 writer (warcio, one gzip member per record). No Scrapy."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

WARC_PREFIX = "govinspect"


def warc_date(ts: datetime) -> str:
    return ts.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class RotatingWarcWriter:
    """Writes request/response pairs into ``warc/govinspect-00000.warc.gz`` …, starting a new
    file once the current one passes ``max_bytes``. No fsync per record: the crawl is the unit
    of durability (a crash leaves no summary.json, so the output is known to be incomplete)."""

    def __init__(self, warc_dir: Path, max_bytes: int, software: str = "govinspect"):
        self.dir = warc_dir
        self.dir.mkdir(parents=True, exist_ok=True)
        self.max_bytes = max_bytes
        self.software = software
        self.index = -1
        self.files: list[str] = []
        self._fh: io.BufferedWriter | None = None
        self._writer: WARCWriter | None = None

    def _open_next(self) -> None:
        self.close()
        self.index += 1
        name = f"{WARC_PREFIX}-{self.index:05d}.warc.gz"
        self._fh = open(self.dir / name, "wb")  # noqa: SIM115 (closed in close())
        self._writer = WARCWriter(self._fh, gzip=True, warc_version="WARC/1.1")
        self.files.append(name)
        info = self._writer.create_warcinfo_record(name, {"software": self.software,
                                                           "format": "WARC File Format 1.1"})
        self._writer.write_record(info)

    def write_exchange(
        self,
        url: str,
        method: str,
        request_headers: list[tuple[str, str]],
        status: int,
        reason: str,
        response_headers: list[tuple[str, str]],
        body: bytes,
        ip: str | None,
        fetched: datetime,
    ) -> tuple[str, int, str]:
        """Write response then request; return (file name, response offset, payload digest)."""
        if self._fh is None or self._fh.tell() >= self.max_bytes:
            self._open_next()
        assert self._fh is not None and self._writer is not None
        w = self._writer
        date = warc_date(fetched)
        http_headers = StatusAndHeaders(f"{status} {reason}".strip(), response_headers,
                                        protocol="HTTP/1.1")
        extra = {"WARC-Date": date}
        if ip:
            extra["WARC-IP-Address"] = ip
        resp = w.create_warc_record(url, "response", payload=io.BytesIO(body),
                                    length=len(body), http_headers=http_headers,
                                    warc_headers_dict=extra)
        offset = self._fh.tell()
        w.write_record(resp)
        digest = resp.rec_headers.get_header("WARC-Payload-Digest") or ""
        req_http = StatusAndHeaders(f"{method} {_request_target(url)} HTTP/1.1",
                                    request_headers, is_http_request=True)
        req = w.create_warc_record(
            url, "request", payload=io.BytesIO(b""), length=0, http_headers=req_http,
            warc_headers_dict={"WARC-Date": date,
                               "WARC-Concurrent-To": resp.rec_headers.get_header(
                                   "WARC-Record-ID")})
        w.write_record(req)
        return self.files[-1], offset, digest

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()
        self._fh = None
        self._writer = None


def _request_target(url: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def now_utc() -> datetime:
    return datetime.now(UTC)
