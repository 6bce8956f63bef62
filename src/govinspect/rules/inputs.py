"""What rules see: the round's context and one typed input per scope (rules/base.Scope).

Every rule is ``check(input, ctx) -> list[Finding]`` where ``input`` is the type of its scope:

=========  ==============  =========================================================
scope      input           one call per
=========  ==============  =========================================================
page       PageInput       captured HTML page (attachments too, for rules needing them)
site       SiteInput       site of the round, after all its pages streamed past
account    AccountsInput   round (its new-media accounts)
probe      ProbeInput      site whose homepage the W-V2 prober visited
manual     ManualInput     round (what persons recorded: account checks, workbook rows)
engine     RuleFailure     rule that raised or broke its declaration
=========  ==============  =========================================================

Derivations several rules share (the site's hosts, its homepage test, the column tree …) are
computed once per site or page by ``SiteInput.derived`` / the page input's fields, never per
rule.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from govinspect.core.indicator_sets import IndicatorSet
from govinspect.core.newmedia import AccountEntry, AccountFacts, AccountRef, InspectionRecord
from govinspect.core.probes import ProbeResult
from govinspect.core.types import (
    CaptureRecord,
    Finding,
    LinkCheck,
    SearchFacts,
    SiteRef,
    TransportFacts,
)
from govinspect.extract import PageFacts
from govinspect.extract.dom import Doc, parse_shared
from govinspect.extract.encoding import decode
from govinspect.extract.site_tree import Column, column_tree, is_homepage
from govinspect.lexicons.engine import Lexicon


def host_of(url: str) -> str:
    """The URL's host, lower case ("" when it has none)."""
    return (urlsplit(url).hostname or "").lower()


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
    """One captured page. The engine fills ``site`` and, for HTML pages, ``facts`` (extracted
    once per page, whatever the number of page rules)."""

    capture: CaptureRecord
    body: bytes
    site: SiteRef | None = None
    facts: PageFacts | None = None

    # derivations shared by the page's rules (decoded HTML, a family's findings …)
    _derived: dict[str, Any] = field(default_factory=dict, init=False, repr=False,
                                    compare=False)

    def derived(self, name: str, compute: Callable[[PageInput], Any]) -> Any:
        """``compute(self)`` once per page under ``name``."""
        if name not in self._derived:
            self._derived[name] = compute(self)
        return self._derived[name]

    def doc(self) -> Doc:
        """The page parsed as extraction parsed it (extract/dom.py, with ``Doc.pristine``):
        decoded the way ``extract_page`` decodes it, so that ``parse_shared`` hands back the
        Doc extraction made instead of parsing the page again. Readers must not change it."""
        return self.derived("dom.doc", _shared_doc)

    @property
    def is_html(self) -> bool:
        return self.facts is not None

    @property
    def url(self) -> str:
        return self.capture.url


def _shared_doc(page: PageInput) -> Doc:
    body = page.body
    if not isinstance(body, (bytes, bytearray)):  # as extract_page takes it
        body = str(body).encode("utf-8", "replace")
    text, _declared, _detected = decode(bytes(body))
    return parse_shared(text, page.capture.url or "")


@dataclass
class SiteInput:
    """Everything collected for one site, as site checks see it."""

    site: SiteRef
    pages: list[PageFacts] = field(default_factory=list)  # facts of HTML pages (main_text dropped)
    captures: dict[str, CaptureRecord] = field(default_factory=dict)  # by URL
    link_checks: list[LinkCheck] = field(default_factory=list)
    transport: TransportFacts | None = None  # HTTPS / IPv6 facts, when the collector has them
    search: SearchFacts | None = None  # site search (W-D25), when the collector probed it
    # page notes: what a rule's PageNote read from a page's body while it streamed past, by
    # note name and URL (e.g. the element labels of 办事指南 pages)
    notes: dict[str, dict[str, object]] = field(default_factory=dict)
    traps: list[dict] = field(default_factory=list)  # collector's trap notes {kind, pattern, cut}
    faults: list[dict] = field(default_factory=list)  # collector's faults.jsonl rows (read_faults)
    # the site's row of the collector's summary.json (homepage_status / _failure / _redirect,
    # pages …); None when the collector has none
    collected: dict | None = None
    probes: list[ProbeResult] = field(default_factory=list)  # W-V2 homepage probes so far
    # median over the round's sites of each site's median homepage latency (ms); None: no probes
    peer_latency_ms: float | None = None
    # URL → (earliest time an earlier round captured it, that round's name): a page online
    # before the 发布日期 it now shows had its date moved (W-V1)
    first_seen: dict[str, tuple[datetime, str]] = field(default_factory=dict)
    # derivations shared by rules, computed once per site (see ``derived``)
    _derived: dict[str, Any] = field(default_factory=dict, init=False, repr=False,
                                    compare=False)

    def derived(self, name: str, compute: Callable[[SiteInput], Any]) -> Any:
        """``compute(self)`` once per site under ``name`` (the column tree, a family's
        findings …): every rule that asks again gets the same value. Call it once the
        site's pages are all in (the engine runs site rules after the last page)."""
        if name not in self._derived:
            self._derived[name] = compute(self)
        return self._derived[name]

    def column_tree(self) -> list[Column]:
        """The site's columns (extract/site_tree.py), built once per site."""
        return self.derived("column_tree", lambda d: column_tree(d.pages, d.site))

    def is_homepage(self, url: str) -> bool:
        return is_homepage(url, self.site)

    @property
    def hosts(self) -> frozenset[str]:
        """The site's hosts, lower case (its homepage's when the roster names none)."""
        return self.derived("hosts", lambda d: frozenset(h.lower() for h in d.site.hosts)
                            or frozenset({host_of(d.site.homepage)}))

    def own_pages(self) -> list[PageFacts]:
        """The site's own pages: on its hosts, not error pages (once per site)."""
        return self.derived("own_pages", lambda d: [
            p for p in d.pages if p.page_type != "error" and host_of(p.url) in d.hosts])


@dataclass(frozen=True)
class ProbeInput:
    """One site's homepage probes over the round's window (W-V2)."""

    site: SiteRef
    probes: tuple[ProbeResult, ...]


@dataclass(frozen=True)
class AccountsInput:
    """The round's new-media accounts as collected (feeds, the inspectors' workbook)."""

    accounts: tuple[AccountFacts, ...]
    tasks: tuple[Any, ...] = ()  # 转载任务 (rules.newmedia.RepostTask)
    found: tuple[InspectionRecord, ...] = ()  # accounts the inspectors found on platforms
    registry: tuple[AccountRef, ...] = ()  # the roster's accounts


@dataclass(frozen=True)
class AccountCheckEntry:
    """What a person (or the collector) recorded about one account for the round
    (an ``AccountCheck`` row): interaction found not working, notes."""

    code: str
    name: str
    platform: str
    interaction_ok: bool | None
    notes: str = ""
    check_id: int | None = None


@dataclass(frozen=True)
class ManualInput:
    """What the round recorded by hand or from its account checks."""

    accounts: tuple[AccountEntry, ...] = ()  # last post per account (NM-V2)
    checks: tuple[AccountCheckEntry, ...] = ()  # interaction checks (NM-V3)
    entries: tuple[Finding, ...] = ()  # 人工检查问题 rows, as findings of the manual rule


@dataclass(frozen=True)
class RuleFailure:
    """A rule that raised, or returned a finding it had not declared."""

    rule_id: str
    subject: str
    url: str
    error: str


# The input type of each scope, for the docs and the engine's checks.
SCOPE_INPUTS: dict[str, type] = {
    "page": PageInput, "site": SiteInput, "account": AccountsInput, "probe": ProbeInput,
    "manual": ManualInput, "engine": RuleFailure,
}

__all__ = ["AccountCheckEntry", "AccountsInput", "ManualInput", "PageInput", "ProbeInput",
           "RoundContext", "RuleFailure", "SCOPE_INPUTS", "SiteInput"]

