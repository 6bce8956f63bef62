"""Saving what collect and analyse produce: captures and findings, in bulk and idempotently."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Min
from django.utils import timezone

from govinspect.core.types import CaptureRecord
from govinspect.core.types import Finding as CoreFinding
from govinspect.web.roster.models import Account, Site
from govinspect.web.rounds.models import Capture, Finding, ReviewState, Round

_CHUNK = 500  # stays under every SQLite variable limit

_FINDING_FIELDS = ["rule_id", "indicator_id", "item", "url", "parent_url", "message", "context",
                   "span_start", "span_end", "capture", "confidence", "first_seen", "last_seen",
                   "details"]
_CAPTURE_FIELDS = ["site", "final_url", "status", "content_type", "fetched_at", "depth",
                   "parent_url", "warc_file", "warc_offset", "digest"]


@dataclass(frozen=True)
class SaveResult:
    created: int = 0
    updated: int = 0
    pruned: int = 0


def _chunks(seq: Sequence, n: int = _CHUNK):
    for i in range(0, len(seq), n):
        yield seq[i:i + n]


def _resolve_subjects(codes: set[str]) -> dict[str, Site | Account]:
    found: dict[str, Site | Account] = {}
    for model in (Site, Account):
        missing = sorted(codes - found.keys())
        for chunk in _chunks(missing):
            found.update({o.code: o for o in model.objects.filter(code__in=chunk)})
    unknown = codes - found.keys()
    if unknown:
        raise ValueError(f"名录中没有这些网站或账号：{'、'.join(sorted(unknown))}")
    return found


def save_findings(round: Round, site: Site | Account | None, findings: Iterable[CoreFinding], *,
                  seen_at: dt.datetime | None = None, prune: bool = False) -> SaveResult:
    """Upsert ``findings`` into ``round`` by fingerprint.

    ``site`` is the subject (a Site or an Account) the findings belong to; ``None`` looks each
    finding's subject code up in the roster. ``first_seen`` carries over from the earliest
    earlier round (by reference time) that had the same fingerprint for the same subject, so a
    problem keeps its age across rounds; ``last_seen`` is ``seen_at`` (default now). The review
    state of a finding already in this round is kept. With ``prune`` (re-analysis of the same
    subject) this round's findings of that subject that were not produced again are deleted,
    unless a person has already reviewed them.
    """
    seen_at = seen_at or timezone.now()
    by_fp: dict[str, CoreFinding] = {}
    for f in findings:
        by_fp.setdefault(f.fingerprint, f)
    if site is not None:
        subjects = {f.subject: site for f in by_fp.values()}
        wrong = [code for code in subjects if code != site.code]
        if wrong:
            raise ValueError(f"问题的对象 {'、'.join(wrong)} 与 {site.code} 不一致")
    else:
        subjects = _resolve_subjects({f.subject for f in by_fp.values()})

    fps = list(by_fp)
    existing: dict[str, Finding] = {}
    earlier: dict[str, dt.datetime] = {}
    for chunk in _chunks(fps):
        existing.update({o.fingerprint: o for o in
                         Finding.objects.filter(round=round, fingerprint__in=chunk)})
        rows = (Finding.objects.filter(fingerprint__in=chunk, round__reference_time__lt=round.reference_time)
                .values("fingerprint", "site__code", "account__code")
                .annotate(first=Min("first_seen")))
        for row in rows:
            code = row["site__code"] or row["account__code"]
            fp = row["fingerprint"]
            if code == by_fp[fp].subject and (fp not in earlier or row["first"] < earlier[fp]):
                earlier[fp] = row["first"]

    new, changed = [], []
    for fp, core in by_fp.items():
        subject = subjects[core.subject]
        row = Finding.from_core(round, core, site=subject if isinstance(subject, Site) else None,
                                account=subject if isinstance(subject, Account) else None,
                                seen_at=seen_at)
        first = min(d for d in (seen_at, earlier.get(fp)) if d is not None)
        if fp in existing:
            old = existing[fp]
            row.first_seen = min(first, old.first_seen)
            for name in _FINDING_FIELDS:
                setattr(old, name, getattr(row, name))
            changed.append(old)
        else:
            row.first_seen = first
            new.append(row)

    pruned = 0
    with transaction.atomic():
        Finding.objects.bulk_create(new, batch_size=_CHUNK)
        Finding.objects.bulk_update(changed, _FINDING_FIELDS, batch_size=_CHUNK)
        if prune and site is not None:
            subject_filter = {"site": site} if isinstance(site, Site) else {"account": site}
            stale = (Finding.objects.filter(round=round, review_state=ReviewState.PENDING,
                                            **subject_filter)
                     .exclude(fingerprint__in=fps))
            pruned, _ = stale.delete()
    return SaveResult(created=len(new), updated=len(changed), pruned=pruned)


def _parse_time(value: str) -> dt.datetime:
    when = dt.datetime.fromisoformat(value)
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)


def save_captures(round: Round, site: Site | None, records: Iterable[CaptureRecord]) -> int:
    """Insert or refresh the capture rows of ``records`` (unique per round and URL); returns
    how many records were saved. ``site=None`` looks each record's site code up."""
    by_url: dict[str, CaptureRecord] = {}
    for r in records:
        by_url[r.url] = r  # the later fetch of the same URL wins
    if not by_url:
        return 0
    if site is not None:
        sites = {r.site_code: site for r in by_url.values()}
    else:
        codes = {r.site_code for r in by_url.values()}
        sites = {s.code: s for s in Site.objects.filter(code__in=codes)}
        if codes - sites.keys():
            raise ValueError(f"名录中没有这些网站：{'、'.join(sorted(codes - sites.keys()))}")
    rows = [Capture(round=round, site=sites[r.site_code], url=r.url, final_url=r.final_url,
                    status=r.status, content_type=r.content_type,
                    fetched_at=_parse_time(r.fetched_at), depth=r.depth, parent_url=r.parent_url,
                    warc_file=r.warc_file, warc_offset=r.warc_offset, digest=r.digest)
            for r in by_url.values()]
    with transaction.atomic():
        Capture.objects.bulk_create(rows, batch_size=_CHUNK, update_conflicts=True,
                                    unique_fields=["round", "url"], update_fields=_CAPTURE_FIELDS)
    return len(rows)
