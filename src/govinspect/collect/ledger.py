"""The crawl's shared state: per-site scope and counters, and the status of every URL fetched
(crawl responses and link checks share one cache, so a target is fetched once per run)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from urllib.parse import urlsplit

from w3lib.url import canonicalize_url

from govinspect.collect.classify import registrable_domain
from govinspect.collect.options import CollectOptions, ProgressEvent, SiteSummary
from govinspect.collect.traps import TrapGuard, _session_pattern, strip_session
from govinspect.core.types import LinkFailure, SiteRef


# Pure and called several times per link occurrence (dedupe, status join, redirect chains)
# on URLs that recur across a site's pages: cached.
@lru_cache(maxsize=1 << 16)
def url_key(url: str) -> str:
    """Dedupe key of a URL (w3lib canonical form, no fragment, no session id)."""
    if ";" in url or "?" in url:
        url = strip_session(url)[0]
    return canonicalize_url(url, keep_fragments=False)


@lru_cache(maxsize=1 << 16)
def host_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


@dataclass
class SiteState:
    site: SiteRef
    hosts: frozenset[str]
    domains: frozenset[str]
    summary: SiteSummary
    seen: set[str] = field(default_factory=set)  # page keys scheduled for crawling
    scheduled: int = 0
    links_found: int = 0
    # In-site page targets not crawled (caps, robots, traps): checked at the end instead.
    deferred: dict[str, str] = field(default_factory=dict)  # key → url
    guard: TrapGuard = field(default_factory=lambda: TrapGuard(date.today()))
    cut_urls: set[str] = field(default_factory=set)  # URLs cut as traps (counted once)
    done: set[str] = field(default_factory=set)  # page keys finished (resume only)
    # Page requests to make again after a resume: key → (url, depth, parent)
    frontier: dict[str, tuple[str, int, str | None]] = field(default_factory=dict)
    fault_kinds: dict[str, int] = field(default_factory=dict)  # faults.jsonl lines by kind


class Ledger:
    def __init__(self, sites: list[SiteRef], options: CollectOptions,
                 progress: Callable[[ProgressEvent], None] | None = None):
        self.options = options
        self.sites: dict[str, SiteState] = {}
        for site in sites:
            hosts = site.hosts or (host_of(site.homepage),)
            hosts_set = frozenset(h.lower() for h in hosts)
            self.sites[site.code] = SiteState(
                site=site, hosts=hosts_set,
                domains=frozenset(registrable_domain(h) for h in hosts_set),
                summary=SiteSummary(code=site.code, homepage=site.homepage))
        # url key → (final status or None, failure or None)
        self.status: dict[str, tuple[int | None, LinkFailure | None]] = {}
        self.checks_scheduled: set[str] = set()
        self.targets_checked = 0
        self.pages_total = 0
        self._progress = progress
        self._last_emit = 0.0
        # Durable event sink (resume); set by the crawl, None in pure use.
        self.journal: Callable[[list], None] | None = None
        # Resume: frontier pages already archived → (WARC path, offset, url), parsed not fetched
        self.replay: dict[str, tuple] = {}
        # Link targets to fetch again on resume: key → (url, site code, archived attachment?)
        self.pending_checks: dict[str, tuple[str, str, bool]] = {}
        # url key → what else is known about its status (rare: a refusal by policy, a
        # redirect to a non-HTTP scheme or outside the roster): {"kind", "target", …}
        self.detail: dict[str, dict] = {}
        # Faults not written with a capture line (failed pages, offsite redirects …), one per
        # (site, kind, url): faults.jsonl at the end.
        self.faults: dict[tuple[str, str, str], dict] = {}

    def _log(self, event: list) -> None:
        if self.journal is not None:
            self.journal(event)

    # --- scope ------------------------------------------------------------------------
    def want_page(self, code: str, key: str, depth: int, url: str = "",
                  parent: str | None = None, text: str | None = None) -> bool:
        """Whether to crawl an in-site page; remembers why not (caps, traps) for the summary.
        ``text``: the anchor text of the link (pagination controls vs content links)."""
        st = self.sites[code]
        if key in st.seen:
            if url and (";" in url or "?" in url) and url not in st.cut_urls \
                    and strip_session(url)[1]:
                st.cut_urls.add(url)
                self._cut(code, "session", _session_pattern(url))
            return False
        nav = False
        if url:
            nav = st.guard.is_pagination(url, text)
            if url in st.cut_urls and nav:
                return False
            before = {k: n.cut for k, n in st.guard.notes.items()}
            if not st.guard.allow(url, text=text):
                st.cut_urls.add(url)
                for k, n in st.guard.notes.items():
                    if n.cut != before.get(k, 0):
                        self._log(["cut", code, k[0], k[1]])
                return False
        if depth > self.options.max_depth:
            self._flag(code, "depth_cap_hit")
            return False
        if st.scheduled >= self.options.max_pages_per_site:
            self._flag(code, "page_cap_hit")
            return False
        st.seen.add(key)
        st.scheduled += 1
        self._log(["want", code, url, key, depth, parent, nav])
        return True

    def observe(self, code: str, url: str, fingerprint: str) -> None:
        """A crawled page's content fingerprint (pagination trap detection)."""
        if self.sites[code].guard.observe(url, fingerprint):
            self._log(["trap", code, url])

    def _cut(self, code: str, kind: str, pattern: str) -> None:
        self.sites[code].guard.cut(kind, pattern)
        self._log(["cut", code, kind, pattern])

    def _flag(self, code: str, name: str) -> None:
        summary = self.sites[code].summary
        if not getattr(summary, name):
            setattr(summary, name, True)
            self._log(["flag", code, name])

    def page_failed(self, code: str, key: str, robots: bool = False,
                    fault: dict | None = None) -> None:
        """A page request ended without a capture: robots.txt, no response, or a redirect out
        of the roster (``fault`` says which and where)."""
        st = self.sites[code]
        self._count_failure(st, robots, fault)
        if fault is not None:
            self.add_fault(code, fault)
        self._log(["pfail", code, key, robots, fault])

    @staticmethod
    def _count_failure(st: SiteState, robots: bool, fault: dict | None) -> None:
        if robots:
            st.summary.robots_disallowed += 1
        elif fault is not None and fault.get("kind") == "offsite_redirect":
            st.summary.pages_offsite += 1
        else:
            st.summary.pages_failed += 1

    def add_fault(self, code: str, fault: dict, durable: bool = False) -> None:
        """Keep a fault for faults.jsonl (one per site, kind and URL)."""
        self.faults[(code, fault.get("kind", ""), fault.get("url", ""))] = \
            {"site_code": code, **fault}
        if durable:
            self._log(["fault", code, fault])

    def want_check(self, key: str) -> bool:
        if key in self.status or key in self.checks_scheduled:
            return False
        self.checks_scheduled.add(key)
        return True

    # --- results ----------------------------------------------------------------------
    def record(self, keys: list[str], status: int | None, failure: LinkFailure | None,
               checked: bool = False, durable: bool = True, detail: dict | None = None) -> None:
        for k in keys:
            self.status[k] = (status, failure)
            if detail is not None:
                self.detail[k] = detail
        if durable:
            self._log(["rec", keys, status, failure.value if failure else None, checked,
                       detail])
        if checked:
            self.targets_checked += 1
            self.emit("")

    # --- resume -----------------------------------------------------------------------
    def restore(self, events: Iterable[list], captures: Iterable[dict],
                links: Iterable[list], attachments: Iterable[dict] = ()) -> None:
        """Rebuild the state of a run from its journal (a fresh run's holds the homepages),
        its capture lines, its link lines (one per page: [site, parent, [[url, key, text, cls,
        kind] …], other links]) and its attachment lines, all already cut back to their last
        complete line."""
        wanted: dict[str, tuple[str, str, int, str | None]] = {}
        for ev in events:
            kind = ev[0]
            if kind == "want":
                _, code, url, key, depth, parent, *more = ev
                st = self.sites[code]
                if key in st.seen:
                    continue
                st.seen.add(key)
                st.scheduled += 1
                wanted[key] = (code, url, depth, parent)
                if more and more[0]:
                    st.guard.admit(url)
            elif kind == "rec":
                _, keys, status, failure, checked, *more = ev
                found = (status, LinkFailure(failure) if failure else None)
                for k in keys:
                    self.status[k] = found
                    if more and more[0]:
                        self.detail[k] = more[0]
                if checked:
                    self.targets_checked += 1
            elif kind == "pfail":
                _, code, key, robots, *more = ev
                fault = more[0] if more else None
                st = self.sites[code]
                if key in st.done:
                    continue
                st.done.add(key)
                self._count_failure(st, robots, fault)
                if fault is not None:
                    self.add_fault(code, fault)
                if not robots and key == url_key(st.site.homepage):
                    found = self.status.get(key, (None, None))
                    st.summary.homepage_status = None
                    st.summary.homepage_failure = found[1].value if found[1] else None
                    if fault is not None and fault.get("kind") == "offsite_redirect":
                        homepage_offsite(st, fault)
            elif kind == "fault":
                self.add_fault(ev[1], ev[2])
            elif kind == "cut":
                _, code, trap, pattern = ev
                self.sites[code].guard.cut(trap, pattern)
            elif kind == "trap":
                st = self.sites[ev[1]]
                from govinspect.collect.traps import pagination

                pag = pagination(ev[2])
                if pag is not None:
                    st.guard.trap(pag[0])
            elif kind == "flag":
                setattr(self.sites[ev[1]].summary, ev[2], True)
        for row in captures:
            st = self.sites[row["site_code"]]
            key = url_key(row["url"])
            st.done.add(key)
            st.seen.add(url_key(row["final_url"]))
            st.seen.update(url_key(u) for u in row.get("redirect_urls") or ())
            st.summary.pages += 1
            self.pages_total += 1
            fp = row.get("gi_fp")
            if fp:
                st.guard.observe(row["final_url"], fp)
            if key == url_key(st.site.homepage):
                st.summary.homepage_status = row["status"]
                st.summary.homepage_failure = row["failure"]
        for row in attachments:
            # The attachment line is written before its status reaches the journal.
            found = (row["status"], LinkFailure(row["failure"]) if row["failure"] else None)
            for u in (row["url"], row["final_url"], *(row.get("redirect_urls") or ())):
                self.status.setdefault(url_key(u), found)
            self.sites[row["site_code"]].summary.attachments += 1
        for k, (code, url, depth, parent) in wanted.items():
            if k not in self.sites[code].done:
                self.sites[code].frontier[k] = (url, depth, parent)
        for line in links:
            site, _parent, page = line[0], line[1], line[2]
            st = self.sites[site]
            for url, key, _text, cls, kind in page:
                st.links_found += 1
                if key in self.status or key in st.frontier:
                    continue
                if cls == "in_site" and kind == "page":
                    if key not in st.seen:
                        st.deferred.setdefault(key, url)
                elif key not in self.pending_checks:
                    attach = cls == "in_site" and kind == "attachment"
                    self.pending_checks[key] = (url, site, attach)

    def page_done(self, code: str, links: int) -> None:
        st = self.sites[code]
        st.summary.pages += 1
        st.links_found += links
        self.pages_total += 1
        self.emit(code)

    def emit(self, code: str, done: bool = False) -> None:
        if self._progress is None:
            return
        now = time.monotonic()
        if not done and now - self._last_emit < 0.2:
            return
        self._last_emit = now
        st = self.sites.get(code)
        self._progress(ProgressEvent(
            site_code=code,
            pages_crawled=st.summary.pages if st else 0,
            links_found=st.links_found if st else 0,
            links_checked=self.targets_checked,
            pages_total=self.pages_total,
            sites_total=len(self.sites),
            done=done,
        ))


def homepage_offsite(st: SiteState, fault: dict) -> None:
    """The homepage redirected out of the roster: no capture, the target recorded."""
    st.summary.homepage_status = fault.get("first_status")
    st.summary.homepage_failure = LinkFailure.OTHER.value
    st.summary.homepage_redirect = fault.get("target")
