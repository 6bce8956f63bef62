"""Round services: the pipeline steps the CLI, the web and the workers all call.

roster → round → collect → analyse → review → score → report. Each step reads what the
previous one stored, so analysis can be re-run from stored captures without the network.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction

from govinspect.collect.crawl import CollectOptions, CollectSummary, collect_sites
from govinspect.collect.store import (
    iter_pages,
    read_captures,
    read_faults,
    read_link_checks,
    read_search_facts,
    read_transport_facts,
)
from govinspect.core.indicator_sets import IndicatorSet, load_indicator_set
from govinspect.core.types import Confidence, Finding, SiteKind
from govinspect.reports.findings import RoundReport
from govinspect.rules.analyse import PageInput, RoundContext, analyse_round_pages
from govinspect.rules.base import Scope
from govinspect.rules.engine import rule_ids
from govinspect.web.roster.models import Site
from govinspect.web.rounds.models import Capture, ReviewState, Round
from govinspect.web.rounds.models import Finding as FindingRow
from govinspect.web.rounds.persist import save_captures, save_findings
from govinspect.web.rounds.stages import COLLECT, DONE, RUNNING, ReviewStatus, mark, round_dir

__all__ = ["round_dir"]  # re-exported: callers find the round's folder here


class RoundError(Exception):
    """A problem the office must fix before the round can go on (message in Chinese)."""


def create_round(name: str, reference_time: datetime, *, indicator_set: str = "national-2019",
                 window_days: int = 7, site_codes: list[str] | None = None) -> Round:
    """A round over the whole roster (or the named sites). The window ends at *t*."""
    load_indicator_set(indicator_set)  # fail now, not after a day of crawling
    sites = Site.objects.all() if site_codes is None else Site.objects.filter(code__in=site_codes)
    if site_codes is not None:
        unknown = sorted(set(site_codes) - set(sites.values_list("code", flat=True)))
        if unknown:
            raise RoundError(f"名录中没有这些网站标识码：{'、'.join(unknown)}"
                             "（请核对，或先导入名录：govinspect roster import）")
    if not sites.exists():
        raise RoundError("名录中没有网站，请先导入名录（govinspect roster import）")
    with transaction.atomic():
        round_, _ = Round.objects.update_or_create(
            name=name,
            defaults={"reference_time": reference_time,
                      "window_start": reference_time - timedelta(days=window_days),
                      "window_end": reference_time, "indicator_set": indicator_set})
        round_.sites.set(sites)
    return round_


def collect_round(round_: Round, options: CollectOptions,
                  progress: Callable | None = None) -> CollectSummary:
    """Crawl every site of the round into the round's folder, then store the captures."""
    sites = [s.to_ref() for s in round_.sites.order_by("code")]
    out = round_dir(round_) / "collect"
    if not options.sample_seed:  # samples drawn at collect time are the round's (W-D25)
        options = dataclasses.replace(options, sample_seed=round_.name)
    mark(round_, COLLECT, RUNNING)
    summary = collect_sites(sites, out, options, progress=progress)
    ingest_captures(round_)
    mark(round_, COLLECT, DONE, pages=summary.pages_total)
    return summary


def ingest_captures(round_: Round) -> int:
    out = round_dir(round_) / "collect"
    by_site = {s.code: s for s in round_.sites.all()}
    grouped: dict[str, list] = {}
    for record in read_captures(out):
        grouped.setdefault(record.site_code, []).append(record)
    total = 0
    for code, records in grouped.items():
        if code in by_site:
            save_captures(round_, by_site[code], records)
            total += len(records)
    return total


def office_lexicon():
    """The shipped term lists plus the office's own files in WORKSPACE/lexicons/*.yaml
    (local leaders, place names, whitelists); None when the office has none."""
    from govinspect.lexicons.engine import load_lexicon

    folder = Path(settings.WORKSPACE) / "lexicons"
    return load_lexicon([folder]) if folder.is_dir() else None


def _collected_sites(out: Path) -> dict[str, dict]:
    """The collector's summary.json rows by site (none while a crawl is unfinished)."""
    try:
        summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    sites = summary.get("sites") if isinstance(summary, dict) else None
    if not isinstance(sites, dict):
        return {}
    return {code: s for code, s in sites.items() if isinstance(s, dict)}


def _round_faults(out: Path) -> dict[str, list[dict]]:
    """The collector's faults (faults.jsonl) by site."""
    by_site: dict[str, list[dict]] = {}
    for fault in read_faults(out):
        by_site.setdefault(str(fault.get("site_code") or ""), []).append(fault)
    return by_site


def _round_traps(collected: dict[str, dict]) -> dict[str, list[dict]]:
    """The collector's trap notes by site."""
    return {code: list(s.get("traps") or []) for code, s in collected.items()}


def analyse_round(round_: Round, progress: Callable[[int], None] | None = None
                  ) -> dict[str, list[Finding]]:
    """Run every page and site rule over the stored captures; store the findings.

    Re-running replaces this round's unreviewed analysis findings (reviewed ones are kept)."""
    out = round_dir(round_) / "collect"
    sites = {s.code: s for s in round_.sites.order_by("code")}
    # Departments must sit under their government's portal domain (W-D20): any portal of
    # the round (the city's or a county's) counts as "本级".
    portal_hosts = tuple(h for s in sites.values() if s.kind == SiteKind.PORTAL.value
                         for h in s.to_ref().hosts)
    ctx = RoundContext(reference_time=round_.reference_time,
                       indicator_set=load_indicator_set(round_.indicator_set),
                       round_name=round_.name, portal_hosts=portal_hosts,
                       lexicon=office_lexicon())
    pages = (PageInput(capture, body) for capture, body in iter_pages(out))
    from govinspect.web.rounds.probes import probe_results  # W-V2 probes recorded so far

    collected = _collected_sites(out)
    results = analyse_round_pages([s.to_ref() for s in sites.values()], pages,
                                  read_link_checks(out), ctx, on_page=progress,
                                  transport=read_transport_facts(out),
                                  traps=_round_traps(collected), collected=collected,
                                  faults=_round_faults(out),
                                  search=read_search_facts(out),
                                  probes={c: probe_results(round_, s) for c, s in sites.items()},
                                  first_seen=first_seen_earlier(round_))
    # One transaction for the whole round: a kill leaves the previous analysis, never half.
    with transaction.atomic():
        for code, findings in results.items():
            site = sites[code]
            save_findings(round_, site, findings)
            (FindingRow.objects
             .filter(round=round_, site=site, review_state=ReviewState.PENDING)
             # the prober writes the probe-scope findings (W-V2) itself: not the analysis's
             .exclude(rule_id__in=rule_ids(Scope.PROBE))
             .exclude(fingerprint__in=[f.fingerprint for f in findings])
             .delete())
    return results


def first_seen_earlier(round_: Round) -> dict[str, dict[str, tuple]]:
    """Per site code, URL → (earliest capture time, round name) over the rounds before this
    one (by reference time): what the office's own archive proves was online, and when."""
    out: dict[str, dict[str, tuple]] = {}
    earlier = Round.objects.filter(reference_time__lt=round_.reference_time)
    for past in earlier.order_by("reference_time"):  # the earliest round's capture wins
        rows = (Capture.objects.filter(round=past, site__in=round_.sites.all())
                .values_list("site__code", "url", "fetched_at"))
        for code, url, fetched in rows.iterator(chunk_size=5000):
            out.setdefault(code, {}).setdefault(url, (fetched, past.name))
    return out


def counts_for_score(row: FindingRow, iset: IndicatorSet) -> bool:
    """Whether a stored finding feeds the score.

    Dismissed findings never do; suspected ones only once a person confirmed them; and for
    indicators the set marks ``review_required`` (W-V1: 严重表述错误, leaks, 暗链 — "machine
    flags, a person confirms", INDICATORS.md §10.1) even a certain finding waits for review,
    so no site is vetoed by a machine alone."""
    if row.review_state == ReviewState.DISMISSED:
        return False
    if row.review_state == ReviewState.CONFIRMED:
        return True
    if iset.indicators.get(row.indicator_id, {}).get("review_required"):
        return False
    return row.confidence == Confidence.CERTAIN.value


def review_status(round_: Round) -> ReviewStatus:
    """How many of the round's findings wait for review, and how many of those count."""
    iset = load_indicator_set(round_.indicator_set)
    pending = counted = 0
    rows = (FindingRow.objects.filter(round=round_, review_state=ReviewState.PENDING)
            .only("review_state", "indicator_id", "confidence"))
    for row in rows.iterator(chunk_size=2000):
        pending += 1
        counted += counts_for_score(row, iset)
    return ReviewStatus(pending, counted)


def stamp_outputs(round_: Round, files, *, draft: bool) -> ReviewStatus:
    """Mark every written output: how many findings wait for review and whether the scores
    count them; with ``draft`` the 草稿 watermark on every page."""
    from govinspect.reports.stamp import stamp_files

    status = review_status(round_)
    stamp_files(files, status.sentence(), draft=draft,
                review_counts={"pending": status.pending,
                               "pending_counted": status.pending_counted})
    return status


@dataclass(frozen=True)
class RoundOutcome:
    report: RoundReport
    files: list[Path]


def report_round(round_: Round, out_dir: Path) -> RoundOutcome:
    """Score every site and write the findings reports, summary.json and findings.json, all
    from the round's one set of findings (``web.rounds.outputs``: automatic, manual and
    new-media findings, scored as the 通报 scores them)."""
    from govinspect.web.rounds.outputs import write_outputs

    report, files = write_outputs(round_, out_dir)
    return RoundOutcome(report, files)
