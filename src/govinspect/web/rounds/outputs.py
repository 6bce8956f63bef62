"""One source of truth for a round's outputs: the findings every report is rendered from.

The 通报 (``web.rounds.notice``), the 问题清单, every unit's 整改清单, findings.json,
summary.json and the summary page all read the round's findings here: the stored automatic
findings (sites and accounts, review decisions applied), the manual findings entered with
``review import`` / ``review finding`` and the accounts' interaction checks. Scores come from
one place too: ``notice.round_inputs`` (what counts, point overrides applied) → ``score_site``,
exactly as ``indicators.round.score_round`` scores the 通报. ``tests/round/test_outputs_agree``
renders all of them for one round and checks that they agree.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from django.utils import timezone

from govinspect.core.types import Finding
from govinspect.indicators.engine import score_site
from govinspect.reports.atomic import write_text
from govinspect.reports.findings import (
    PageRef,
    RoundReport,
    SiteReport,
    split_bonus,
    write_round_reports,
)
from govinspect.reports.rectification import group_findings
from govinspect.web.rounds.models import Capture, ReviewState, Round
from govinspect.web.rounds.models import Finding as FindingRow

MANUAL = "人工录入"
_TITLE = re.compile(rb"<title[^>]*>(.*?)</title>", re.I | re.S)
_TITLE_BYTES = 65536
_MAX_TITLES = 2000  # per round: page titles read back from the archive


@dataclass(frozen=True)
class RoundFindings:
    """A round's site reports (scored) and the findings.json rows, from one read."""

    report: RoundReport
    json_rows: list[dict]


_CHARSET = re.compile(rb"charset=[\"']?([A-Za-z0-9_-]+)", re.I)


def _decode(raw: bytes, content_type: str, body: bytes) -> str:
    """A page title's text: UTF-8 when it is, else the charset the page or its header names
    (GBK pages are common), else GB18030."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    named = _CHARSET.search((content_type or "").encode("ascii", "ignore")) or \
        _CHARSET.search(body[:4096])
    for charset in ([named.group(1).decode("ascii")] if named else []) + ["gb18030"]:
        try:
            return raw.decode(charset)
        except (LookupError, UnicodeDecodeError):
            continue
    return raw.decode("utf-8", "replace")


def _page_refs(round_: Round, urls: list[str], title_urls: set[str]) -> dict[str, PageRef]:
    """URL → the capture of that URL in the round (WARC file#offset, time) and, for the
    URLs in ``title_urls``, the page's <title> read back from the archive."""
    from govinspect.collect.store import read_capture_body
    from govinspect.core.types import CaptureRecord
    from govinspect.web.rounds.stages import round_dir

    out_dir = round_dir(round_) / "collect"
    refs: dict[str, PageRef] = {}
    wanted = list(dict.fromkeys(u for u in urls if u))
    titles_read = 0
    for start in range(0, len(wanted), 500):
        rows = Capture.objects.filter(round=round_, url__in=wanted[start:start + 500])
        for c in rows:
            title = ""
            if (c.url in title_urls and titles_read < _MAX_TITLES
                    and "html" in (c.content_type or "").lower()):
                titles_read += 1
                record = CaptureRecord("", c.url, c.final_url,
                                       c.status, c.content_type, "", c.depth, c.parent_url,
                                       c.warc_file, c.warc_offset, c.digest)
                try:
                    _, body = read_capture_body(out_dir, record, _TITLE_BYTES)
                except (OSError, StopIteration, ValueError):
                    body = b""
                m = _TITLE.search(body)
                if m:
                    title = re.sub(r"\s+", " ", _decode(m.group(1), c.content_type, body))
                    title = title.strip()
            when = timezone.localtime(c.fetched_at).strftime("%Y-%m-%d %H:%M")
            refs[c.url] = PageRef(title=title[:200], capture=f"{c.warc_file}#{c.warc_offset}",
                                  fetched_at=when)
    return refs


def _json_row(f: Finding) -> dict:
    return {"rule": f.rule_id, "indicator": f.indicator_id, "item": f.item, "site": f.subject,
            "url": f.evidence.url, "parent_url": f.evidence.parent_url, "message": f.message,
            "confidence": f.confidence.value, "fingerprint": f.fingerprint,
            "details": f.details}


def round_findings(round_: Round) -> RoundFindings:
    """Every site of the round with its open findings (automatic and manual), how each was
    reviewed, which count, and its score; plus the findings.json rows (sites, then accounts)."""
    from govinspect.reports.notice.build import cn_date
    from govinspect.web.rounds.newmedia import account_finding_rows
    from govinspect.web.rounds.notice import notice_meta, round_inputs
    from govinspect.web.rounds.services import counts_for_score

    data = round_inputs(round_)  # what the 通报 counts (point overrides applied)
    iset = data.iset
    entries = {e.site.code: e for e in data.sites}
    counted_by_site: dict[str, list[Finding]] = {}
    for f in data.findings:
        counted_by_site.setdefault(f.subject, []).append(f)

    site_rows = list(round_.sites.select_related("unit").order_by("code"))
    codes = {s.code for s in site_rows}
    review: dict[str, str] = {}
    uncounted: dict[str, list[Finding]] = {}
    stored = (FindingRow.objects.filter(round=round_, site__isnull=False)
              .exclude(review_state=ReviewState.DISMISSED).select_related("site")
              .order_by("indicator_id", "item", "url", "parent_url"))
    for row in stored.iterator(chunk_size=2000):
        core = row.to_core()
        review[core.fingerprint] = row.review_state
        if not counts_for_score(row, iset):
            uncounted.setdefault(core.subject, []).append(core)

    site_reports: list[SiteReport] = []
    rows_json: list[dict] = []
    for site in site_rows:
        counted = counted_by_site.get(site.code, [])
        for f in counted:
            if (f.details or {}).get("manual"):
                review.setdefault(f.fingerprint, MANUAL)
        listed = sorted(counted + uncounted.get(site.code, []),
                        key=lambda f: (f.indicator_id, f.item, f.evidence.url,
                                       f.evidence.parent_url or ""))
        problems, bonus = split_bonus(listed, iset)
        entry = entries[site.code]
        score = score_site(entry.site, counted, iset, base=entry.base,
                           no_service=entry.no_service)
        pages = Capture.objects.filter(round=round_, site=site).count()
        site_reports.append(SiteReport(
            site=site.to_ref(), unit=site.unit.name, region=site.unit.region, score=score,
            findings=problems, pages=pages, bonus_findings=bonus,
            review={f.fingerprint: review[f.fingerprint] for f in listed
                    if f.fingerprint in review},
            counted=frozenset(f.fingerprint for f in counted)))
        rows_json += [_json_row(f) for f in (*problems, *bonus)]

    # the archived pages behind the findings: capture references, and the titles of the
    # pages each 整改清单 row names
    urls: list[str] = []
    title_urls: set[str] = set()
    for s in site_reports:
        for f in s.findings:
            urls += [f.evidence.url, f.evidence.parent_url or ""]
        for g in group_findings(s.findings, lambda _code: "u"):
            title_urls.add(g.pages[0])
            title_urls.update(g.parent_pages[:1])
    refs = _page_refs(round_, urls, title_urls)
    site_reports = [_with_refs(s, refs) for s in site_reports]

    accounts = account_finding_rows(round_)
    known = {r["fingerprint"] for r in accounts}
    for f in data.findings:  # manual findings about accounts (review import / review finding)
        if f.subject not in codes and f.fingerprint not in known and (f.details or {}).get("manual"):
            accounts.append({**_json_row(f), "subject_kind": "account"})
    meta = notice_meta(round_)
    report = RoundReport(
        round_name=round_.name,
        reference_time=timezone.localtime(round_.reference_time).isoformat(timespec="minutes"),
        indicator_set=iset.name,
        generated_at=timezone.localtime().isoformat(timespec="seconds"),
        sites=tuple(site_reports), iset=iset,
        deadline=cn_date(meta.rectify_deadline) if meta.rectify_deadline else "")
    return RoundFindings(report, rows_json + accounts)


def _with_refs(site: SiteReport, refs: dict[str, PageRef]) -> SiteReport:
    from dataclasses import replace

    mine = {}
    for f in site.findings:
        for url in (f.evidence.url, f.evidence.parent_url):
            if url and url in refs:
                mine[url] = refs[url]
    return replace(site, page_refs=mine)


def write_outputs(round_: Round, out_dir: Path) -> tuple[RoundReport, list[Path]]:
    """The 问题清单, the 整改清单 of every site, the summary page, summary.json and
    findings.json of ``round_`` into ``out_dir`` (each written atomically)."""
    found = round_findings(round_)
    report = found.report
    files = write_round_reports(report, out_dir)
    write_text(out_dir / "summary.json", json.dumps(
        {"round": round_.name, "sites": [
            {"code": s.site.code, "name": s.site.name, "score": s.score.score,
             "passed": s.score.passed, "result": s.score.result, "findings": len(s.findings),
             "pages": s.pages}
            for s in report.sites]}, ensure_ascii=False, indent=2))
    write_text(out_dir / "findings.json", json.dumps(found.json_rows, ensure_ascii=False,
                                                     indent=1))
    return report, files
