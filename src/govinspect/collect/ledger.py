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
        self.resumed = False
        # Resume: frontier pages already archived → (WARC path, offset, url), parsed not fetched
        self.replay: dict[str, tuple] = {}
        self.pending_checks: dict[str, str] = {}

    def _log(self, event: list) -> None:
        if self.journal is not None:
            self.journal(event)

    # --- scope ------------------------------------------------------------------------
    def want_page(self, code: str, key: str, depth: int, url: str = "",
                  parent: str | None = None) -> bool:
        """Whether to crawl an in-site page; remembers why not (caps, traps) for the summary."""
        st = self.sites[code]
        if key in st.seen:
            if url and (";" in url or "?" in url) and url not in st.cut_urls \
                    and strip_session(url)[1]:
                st.cut_urls.add(url)
                self._cut(code, "session", _session_pattern(url))
            return False
        if url:
            if url in st.cut_urls:
                return False
            before = {k: n.cut for k, n in st.guard.notes.items()}
            if not st.guard.allow(url):
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
        self._log(["want", code, url, key, depth, parent])
        return True

    def _cut(self, code: str, kind: str, pattern: str) -> None:
        self.sites[code].guard.cut(kind, pattern)
        self._log(["cut", code, kind, pattern])

    def _flag(self, code: str, name: str) -> None:
        summary = self.sites[code].summary
        if not getattr(summary, name):
            setattr(summary, name, True)
            self._log(["flag", code, name])

    def page_failed(self, code: str, key: str, robots: bool = False) -> None:
        st = self.sites[code]
        if robots:
            st.summary.robots_disallowed += 1
        else:
            st.summary.pages_failed += 1
        self._log(["pfail", code, key, robots])

    def want_check(self, key: str) -> bool:
        if key in self.status or key in self.checks_scheduled:
            return False
        self.checks_scheduled.add(key)
        return True

    # --- results ----------------------------------------------------------------------
    def record(self, keys: list[str], status: int | None, failure: LinkFailure | None,
               checked: bool = False, durable: bool = True) -> None:
        for k in keys:
            self.status[k] = (status, failure)
        if durable:
            self._log(["rec", keys, status, failure.value if failure else None, checked])
        if checked:
            self.targets_checked += 1
            self.emit("")

    # --- resume -----------------------------------------------------------------------
    def restore(self, events: Iterable[list], captures: Iterable[dict],
                links: Iterable[list]) -> None:
        """Rebuild the state of an interrupted run from its journal, its capture lines and
        its link lines (one per page: [site, parent, [[url, key, text, cls, kind] …]]), all
        already cut back to their last complete line."""
        self.resumed = True
        wanted: dict[str, tuple[str, str, int, str | None]] = {}
        for ev in events:
            kind = ev[0]
            if kind == "want":
                _, code, url, key, depth, parent = ev
                st = self.sites[code]
                st.seen.add(key)
                st.scheduled += 1
                wanted[key] = (code, url, depth, parent)
            elif kind == "rec":
                _, keys, status, failure, checked = ev
                found = (status, LinkFailure(failure) if failure else None)
                for k in keys:
                    self.status[k] = found
                if checked:
                    self.targets_checked += 1
            elif kind == "pfail":
                _, code, key, robots = ev
                st = self.sites[code]
                st.done.add(key)
                if robots:
                    st.summary.robots_disallowed += 1
                else:
                    st.summary.pages_failed += 1
                    if key == url_key(st.site.homepage):
                        found = self.status.get(key, (None, None))
                        st.summary.homepage_status = None
                        st.summary.homepage_failure = found[1].value if found[1] else None
            elif kind == "cut":
                _, code, trap, pattern = ev
                self.sites[code].guard.cut(trap, pattern)
            elif kind == "flag":
                setattr(self.sites[ev[1]].summary, ev[2], True)
        for row in captures:
            st = self.sites[row["site_code"]]
            key = url_key(row["url"])
            st.done.add(key)
            st.seen.add(url_key(row["final_url"]))
            st.summary.pages += 1
            self.pages_total += 1
            if key == url_key(st.site.homepage):
                st.summary.homepage_status = row["status"]
                st.summary.homepage_failure = row["failure"]
        for k, (code, url, depth, parent) in wanted.items():
            if k not in self.sites[code].done:
                self.sites[code].frontier[k] = (url, depth, parent)
        for site, _parent, url, key, _text, cls, kind in (
                [site, parent, *link] for site, parent, page in links for link in page):
            st = self.sites[site]
            st.links_found += 1
            if key in self.status or key in st.frontier:
                continue
            if cls == "in_site" and kind == "page":
                if key not in st.seen:
                    st.deferred.setdefault(key, url)
            else:
                self.pending_checks.setdefault(key, url)

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
