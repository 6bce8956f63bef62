"""Read a collect run's output back into core types (captures.jsonl, links.jsonl, WARC)."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from dataclasses import fields
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.recordloader import ArcWarcRecord

from govinspect.core.types import (
    CaptureRecord,
    LinkCheck,
    LinkClass,
    LinkFailure,
    ResourceKind,
    SearchFacts,
    SearchQuery,
    TransportFacts,
)

_CAPTURE_FIELDS = tuple(f.name for f in fields(CaptureRecord))
# Bytes of a payload read back (after its Content-Encoding is undone): the crawl keeps pages
# to 20 MiB and attachments to 10 MiB by default, so this only bites on a body whose encoding
# inflates far beyond what was kept (a gzip bomb archived as sent) — it costs no more memory.
MAX_BODY_BYTES = 32 * 1024 * 1024


def _lines(path: Path) -> Iterator[tuple[int, dict]]:
    if not path.exists():
        raise FileNotFoundError(f"找不到采集结果文件：{path}")
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if line.strip():
                try:
                    yield n, json.loads(line)
                except json.JSONDecodeError as e:
                    raise ValueError(f"{path} 第 {n} 行不是有效的 JSON：{e}") from e


def read_capture_lines(out_dir: Path) -> Iterator[dict]:
    """captures.jsonl rows as dicts, extras included (title, charsets, failure …)."""
    for _, row in _lines(Path(out_dir) / "captures.jsonl"):
        yield row


def read_attachment_lines(out_dir: Path) -> Iterator[dict]:
    """attachments.jsonl rows: in-site attachments archived in the WARC (capture fields,
    ``truncated`` when the body passed ``attachment_max_bytes``). Empty for older runs."""
    path = Path(out_dir) / "attachments.jsonl"
    if path.exists():
        for _, row in _lines(path):
            yield row


def read_attachments(out_dir: Path) -> Iterator[CaptureRecord]:
    for row in read_attachment_lines(out_dir):
        yield CaptureRecord(**{k: row[k] for k in _CAPTURE_FIELDS})


def read_transport(out_dir: Path) -> dict[str, dict]:
    """site code → transport.jsonl row (its ``facts`` are the TransportFacts fields)."""
    path = Path(out_dir) / "transport.jsonl"
    if not path.exists():
        return {}
    return {row["site_code"]: row for _, row in _lines(path)}


def read_transport_facts(out_dir: Path) -> dict[str, TransportFacts]:
    """site code → TransportFacts recorded by the collector (empty when not probed)."""
    return {code: TransportFacts(**row["facts"]) for code, row in read_transport(out_dir).items()}


def read_search(out_dir: Path) -> dict[str, dict]:
    """site code → search.jsonl row (empty when the site search was not probed)."""
    path = Path(out_dir) / "search.jsonl"
    if not path.exists():
        return {}
    return {row["site_code"]: row for _, row in _lines(path)}


def search_facts(row: dict) -> SearchFacts:
    """A search.jsonl row as the core type the rules read."""
    form = row.get("form") or {}
    queries = tuple(
        SearchQuery(title=q["title"], page_url=q["page_url"], url=q["url"],
                    method=q.get("method", "GET"), status=q.get("status"), error=q.get("error"),
                    found=bool(q.get("found")), categorised=bool(q.get("categorised")),
                    categories=tuple(q.get("categories") or ()))
        for q in row.get("queries") or ())
    return SearchFacts(homepage=row.get("homepage", ""), form_found=row.get("form_found"),
                       action=form.get("action", ""), method=form.get("method", ""),
                       queries=queries, checked_at=row.get("checked_at", ""),
                       note=row.get("note", ""))


def read_search_facts(out_dir: Path) -> dict[str, SearchFacts]:
    """site code → SearchFacts recorded by the collector (empty when not probed)."""
    return {code: search_facts(row) for code, row in read_search(out_dir).items()}


def capture_record(row: dict) -> CaptureRecord:
    """The CaptureRecord of a captures.jsonl row (extras dropped)."""
    return CaptureRecord(**{k: row[k] for k in _CAPTURE_FIELDS})


def read_captures(out_dir: Path) -> Iterator[CaptureRecord]:
    for row in read_capture_lines(out_dir):
        yield capture_record(row)


def read_link_checks(out_dir: Path) -> Iterator[LinkCheck]:
    path = Path(out_dir) / "links.jsonl"
    for n, row in _lines(path):
        try:
            yield LinkCheck(
                site_code=row["site_code"], parent_url=row["parent_url"], url=row["url"],
                text=row["text"], link_class=LinkClass(row["link_class"]),
                resource_kind=ResourceKind(row["resource_kind"]), status=row["status"],
                failure=LinkFailure(row["failure"]) if row["failure"] else None)
        except (KeyError, ValueError) as e:
            raise ValueError(f"{path} 第 {n} 行字段有误：{e!r}") from e


def read_capture_body(out_dir: Path, capture: CaptureRecord,
                      max_bytes: int = MAX_BODY_BYTES) -> tuple[ArcWarcRecord, bytes]:
    """The WARC response record of a capture and its payload (decoded transfer/content
    encoding, at most ``max_bytes``), read by seeking to the recorded offset."""
    path = Path(out_dir) / "warc" / capture.warc_file
    with open(path, "rb") as fh:
        fh.seek(capture.warc_offset)
        record = next(iter(ArchiveIterator(fh)))
        return record, record.content_stream().read(max_bytes)


def iter_pages(out_dir: Path, *, attachments: bool = True, max_bytes: int = MAX_BODY_BYTES
               ) -> Iterator[tuple[CaptureRecord, bytes]]:
    """Every capture (and archived attachment) with its payload (at most ``max_bytes``),
    reading each WARC file once front to back (much cheaper than one seek per capture when
    analysing a whole round)."""
    records = read_captures(out_dir)
    if attachments:
        records = itertools.chain(records, read_attachments(out_dir))
    wanted: dict[tuple[str, int], CaptureRecord] = {
        (c.warc_file, c.warc_offset): c for c in records}
    for warc_file in sorted({key[0] for key in wanted}):
        with open(Path(out_dir) / "warc" / warc_file, "rb") as fh:
            records = ArchiveIterator(fh)
            for record in records:
                if record.rec_type != "response":
                    continue
                # Read the payload before asking for the offset: warcio answers
                # get_record_offset() by reading the record to its end.
                body = record.content_stream().read(max_bytes)
                capture = wanted.get((warc_file, records.get_record_offset()))
                if capture is not None:
                    yield capture, body


def read_faults(out_dir: Path) -> list[dict]:
    """faults.jsonl rows (empty for older runs): every fault the collector met, one line each,
    ``{"site_code", "kind", "url", …}``. Kinds and their extra fields:

    - ``page_failed``: a page request got no response (``failure``: LinkFailure value,
      ``error``; ``detail`` ``{"kind": "policy_refused", "target"}`` when refused by policy)
    - ``offsite_redirect``: a page (``homepage`` true for the homepage) or an attachment
      (``attachment`` true) redirected to a host outside the roster: ``target`` (first URL
      outside), ``final_url``, ``status`` (of the chain's end), ``first_status`` (the site's
      3xx), ``warc_file`` / ``warc_offset`` of the site's own redirect answer; not captured.
      On a link target (a link to such a page): ``parent_url``, ``target``.
    - ``non_http_redirect`` / ``invalid_redirect``: a 3xx whose Location is file:, ftp: … or
      unparseable (``target``); on a capture or on a link target (``parent_url``).
    - ``policy_refused``: a link target on a private, loopback, link-local or metadata
      address (``target``: the host); never connected to.
    - ``invalid_link``: an href that is no URL at all (``parent_url``); see links_other.jsonl.
    - ``body_cut``: the capture's body was cut (``reason``: ``size_cap``, ``decoded_cap`` — a
      compressed body inflating past the cap, e.g. a gzip bomb —, ``dataloss``; ``length``).
    - ``empty_html``: an HTML answer with no document (empty or whitespace only).
    - ``parse_cut``: more markup than ``max_tags`` (the rest was not parsed for links).
    - ``links_cut``: more links than ``max_links_per_page`` (``cut`` not recorded, ``kept``).
    - ``transport_probe`` (``step``: http, https, ipv6; ``error``) and ``search_probe``
      (``error``, ``truncated``): a probe step cut off by its time limit or size cap.

    Page-level kinds carry the capture's ``warc_file`` / ``warc_offset``."""
    path = Path(out_dir) / "faults.jsonl"
    if not path.exists():
        return []
    return [row for _, row in _lines(path)]


def read_other_links(out_dir: Path) -> Iterator[dict]:
    """links_other.jsonl rows: links that are no HTTP(S) URL, one per occurrence,
    ``{"site_code", "parent_url", "url" (as written, ≤ 300 chars), "text", "link_class":
    "non_http" | "invalid", "scheme"}`` (mailto, tel, javascript, file, ftp …; "" when
    invalid). Never fetched. Empty for older runs."""
    path = Path(out_dir) / "links_other.jsonl"
    if path.exists():
        for _, row in _lines(path):
            yield row
