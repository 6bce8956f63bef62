"""Analysis (pure): captured pages → page facts → findings, for one round.

The I/O shell (``web.rounds.services``) reads captures from WARC and link checks from the
collector's output and hands them here; nothing in this module touches the network, the disk
or the database, so a round can be re-analysed from stored captures at any time.

Two kinds of checks plug in:
- page checks run on every captured HTML page as it streams past (text, privacy, dark links);
- site checks run once per site over all of its page facts and link checks (dead links,
  column freshness, footer identity …).
"""

from __future__ import annotations

import dataclasses
import statistics
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import unquote, urlsplit

from govinspect.core.indicator_sets import IndicatorSet
from govinspect.core.probes import ProbeResult
from govinspect.core.types import (
    CaptureRecord,
    Finding,
    LinkCheck,
    SearchFacts,
    SiteRef,
    TransportFacts,
)
from govinspect.extract import PageFacts, extract_page
from govinspect.lexicons.engine import Lexicon
from govinspect.rules.site_interaction import completed as complete_message_facts


@dataclass(frozen=True)
class RoundContext:
    """What every check may know about the round."""

    reference_time: datetime  # t
    indicator_set: IndicatorSet
    round_name: str = ""
    # The shipped term lists plus the office's own (local leaders, place names …); None: shipped.
    lexicon: Lexicon | None = None
    # hosts of the round's 门户 sites: department sites must sit under one of their domains
    portal_hosts: tuple[str, ...] = ()


@dataclass(frozen=True)
class PageInput:
    capture: CaptureRecord
    body: bytes


@dataclass
class SiteInput:
    """Everything collected for one site, as site checks see it."""

    site: SiteRef
    pages: list[PageFacts] = field(default_factory=list)  # facts of HTML pages (main_text dropped)
    captures: dict[str, CaptureRecord] = field(default_factory=dict)  # by URL
    link_checks: list[LinkCheck] = field(default_factory=list)
    transport: TransportFacts | None = None  # HTTPS / IPv6 facts, when the collector has them
    search: SearchFacts | None = None  # site search (W-D25), when the collector probed it
    # page notes: what a rule module read from a page's body while it streamed past, by note
    # name and URL (e.g. the element labels of 办事指南 pages), for its site check
    notes: dict[str, dict[str, object]] = field(default_factory=dict)
    traps: list[dict] = field(default_factory=list)  # collector's trap notes {kind, pattern, cut}
    # the site's row of the collector's summary.json (homepage_status / _failure / _redirect,
    # pages …); None when the collector has none
    collected: dict | None = None
    probes: list[ProbeResult] = field(default_factory=list)  # W-V2 homepage probes so far
    # median over the round's sites of each site's median homepage latency (ms); None: no probes
    peer_latency_ms: float | None = None
    # URL → (earliest time an earlier round captured it, that round's name): a page online
    # before the 发布日期 it now shows had its date moved (W-V1)
    first_seen: dict[str, tuple[datetime, str]] = field(default_factory=dict)


PageCheck = Callable[[SiteRef, PageInput, PageFacts, RoundContext], list[Finding]]
SiteCheck = Callable[[SiteInput, RoundContext], list[Finding]]
# (note name, reader): a reader returns what to keep of one page for a site check, or None
PageNote = Callable[[SiteRef, PageInput, PageFacts], object | None]


def _text_checks(site: SiteRef, page: PageInput, facts: PageFacts,
                 ctx: RoundContext) -> list[Finding]:
    """错敏词 and privacy leaks in the page's main text (the statistical 错别字 detector is too
    slow for every page of a round; it runs on demand through `govinspect check-text`)."""
    from govinspect.rules.text import check_text

    if not facts.main_text:
        return []
    return check_text(facts.main_text, url=page.capture.url, subject=site.code,
                      lexicon=ctx.lexicon, with_spelling=False,
                      as_of=document_date(facts, page.capture.fetched_at, ctx))


def document_date(facts: PageFacts, fetched_at: str, ctx: RoundContext):
    """The date a page's wording is judged by: its 成文日期, else its 发布日期, else the day it
    was captured (else the round's reference time)."""
    from datetime import date

    for value in (facts.written_date, facts.pub_date, fetched_at):
        try:
            return date.fromisoformat(str(value)[:10])
        except (TypeError, ValueError):
            continue
    return ctx.reference_time.date()


def _dark_link_checks(site: SiteRef, page: PageInput, facts: PageFacts,
                      ctx: RoundContext) -> list[Finding]:
    from govinspect.rules.darklinks import check_dark_links

    # Decode with the encoding extraction detected, so GBK pages give readable evidence.
    try:
        html = page.body.decode(facts.encoding.detected or "utf-8", errors="replace")
    except LookupError:
        html = page.body.decode("utf-8", errors="replace")
    return check_dark_links(html, url=page.capture.url, subject=site.code,
                            site_hosts=site.hosts, lexicon=ctx.lexicon)


def _dead_links(data: SiteInput, ctx: RoundContext) -> list[Finding]:
    from govinspect.rules.links import dead_links

    return dead_links(data.site, data.link_checks)


PAGE_CHECKS: list[PageCheck] = [_text_checks, _dark_link_checks]
SITE_CHECKS: list[SiteCheck] = [_dead_links]
PAGE_NOTES: list[tuple[str, PageNote]] = []
# Site checks that decide whether the round inspected the site at all: when one finds
# something, that is the site's only finding (no page or site check runs on it).
SITE_GATES: list[SiteCheck] = []
SITE_CHECKS += __import__("govinspect.rules.site_columns", fromlist=["*"]).SITE_CHECKS
SITE_CHECKS += __import__("govinspect.rules.site_identity", fromlist=["*"]).SITE_CHECKS
for _module in ("availability", "site_policy", "site_interaction", "site_openness", "transport",
                "site_service", "site_notes", "site_header", "site_search"):
    _rules = __import__(f"govinspect.rules.{_module}", fromlist=["*"])
    SITE_CHECKS += _rules.SITE_CHECKS
    PAGE_CHECKS += getattr(_rules, "PAGE_CHECKS", [])
    PAGE_NOTES += getattr(_rules, "PAGE_NOTES", [])
    SITE_GATES += getattr(_rules, "SITE_GATES", [])


def _is_html(capture: CaptureRecord) -> bool:
    return capture.status == 200 and "html" in (capture.content_type or "").lower()


ATTACHMENT_SUFFIXES = (".pdf", ".doc", ".docx", ".xls", ".xlsx", ".wps", ".et")


def _is_attachment(capture: CaptureRecord) -> bool:
    path = urlsplit(capture.url).path.lower()
    return capture.status == 200 and path.endswith(ATTACHMENT_SUFFIXES)


def _attachment_checks(site: SiteRef, page: PageInput) -> list[Finding]:
    """Privacy leaks inside attachments (PDF, Word, Excel), located by page / sheet / row.
    An attachment that cannot be read is not a finding here (a broken download is W-D22's)."""
    from govinspect.rules.attachment_text import AttachmentError, check_attachment

    name = unquote(urlsplit(page.capture.url).path.rsplit("/", 1)[-1]) or "附件"
    try:
        return check_attachment(page.body, name, url=page.capture.url, subject=site.code)
    except AttachmentError:
        return []


def peer_latency_ms(per_site: Iterable[Iterable[ProbeResult]]) -> float | None:
    """The round's typical homepage latency: the median of the sites' medians."""
    from govinspect.rules.site_notes import median_latency_ms

    medians = [m for m in (median_latency_ms(p) for p in per_site) if m is not None]
    return float(statistics.median(medians)) if medians else None


def analyse_round_pages(sites: Iterable[SiteRef], pages: Iterable[PageInput],
                        link_checks: Iterable[LinkCheck], ctx: RoundContext,
                        on_page: Callable[[int], None] | None = None,
                        transport: Mapping[str, TransportFacts] | None = None,
                        traps: Mapping[str, list[dict]] | None = None,
                        probes: Mapping[str, list[ProbeResult]] | None = None,
                        first_seen: Mapping[str, dict[str, tuple[datetime, str]]] | None = None,
                        search: Mapping[str, SearchFacts] | None = None,
                        collected: Mapping[str, dict] | None = None,
                        ) -> dict[str, list[Finding]]:
    """All findings of a round, by site code. Pages of unknown sites are ignored."""
    inputs = {s.code: SiteInput(s) for s in sites}
    for code, facts in (transport or {}).items():
        if code in inputs:
            inputs[code].transport = facts
    for code, facts in (search or {}).items():
        if code in inputs:
            inputs[code].search = facts
    for code, row in (collected or {}).items():
        if code in inputs:
            inputs[code].collected = dict(row)
    for code, notes in (traps or {}).items():
        if code in inputs:
            inputs[code].traps = list(notes)
    for code, results in (probes or {}).items():
        if code in inputs:
            inputs[code].probes = list(results)
    for code, seen in (first_seen or {}).items():
        if code in inputs:
            inputs[code].first_seen = dict(seen)
    peer = peer_latency_ms(data.probes for data in inputs.values())
    for data in inputs.values():
        data.peer_latency_ms = peer
    findings: dict[str, list[Finding]] = defaultdict(list)
    for check in link_checks:
        if check.site_code in inputs:
            inputs[check.site_code].link_checks.append(check)
    for n, page in enumerate(pages, start=1):
        data = inputs.get(page.capture.site_code)
        if data is None:
            continue
        data.captures[page.capture.url] = page.capture
        if _is_html(page.capture):
            facts = extract_page(page.body, page.capture.url, page.capture.fetched_at)
            for check in PAGE_CHECKS:
                findings[data.site.code].extend(check(data.site, page, facts, ctx))
            for name, reader in PAGE_NOTES:
                note = reader(data.site, page, facts)
                if note is not None:
                    data.notes.setdefault(name, {})[page.capture.url] = note
            stored = dataclasses.replace(facts, main_text="")  # keep memory flat
            if facts.page_type == "message_detail":  # table layouts: fill 答复单位/答复内容 …
                stored = complete_message_facts(stored, page.body)
            data.pages.append(stored)
        elif _is_attachment(page.capture):
            findings[data.site.code].extend(_attachment_checks(data.site, page))
        if on_page:
            on_page(n)
    for data in inputs.values():
        gated = [f for gate in SITE_GATES for f in gate(data, ctx)]
        if gated:
            findings[data.site.code] = gated
            continue
        for check in SITE_CHECKS:
            findings[data.site.code].extend(check(data, ctx))
    return {code: findings.get(code, []) for code in inputs}
