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


def read_capture_body(out_dir: Path, capture: CaptureRecord) -> tuple[ArcWarcRecord, bytes]:
    """The WARC response record of a capture and its payload (decoded transfer/content
    encoding), read by seeking to the recorded offset."""
    path = Path(out_dir) / "warc" / capture.warc_file
    with open(path, "rb") as fh:
        fh.seek(capture.warc_offset)
        record = next(iter(ArchiveIterator(fh)))
        return record, record.content_stream().read()


def iter_pages(out_dir: Path, *, attachments: bool = True
               ) -> Iterator[tuple[CaptureRecord, bytes]]:
    """Every capture (and archived attachment) with its payload, reading each WARC file once
    front to back (much cheaper than one seek per capture when analysing a whole round)."""
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
                body = record.content_stream().read()
                capture = wanted.get((warc_file, records.get_record_offset()))
                if capture is not None:
                    yield capture, body
