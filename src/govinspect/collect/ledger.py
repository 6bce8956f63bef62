"""The crawl's shared state: per-site scope and counters, and the status of every URL fetched
(crawl responses and link checks share one cache, so a target is fetched once per run)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from w3lib.url import canonicalize_url

from govinspect.collect.classify import registrable_domain
from govinspect.collect.options import CollectOptions, ProgressEvent, SiteSummary
from govinspect.core.types import LinkFailure, SiteRef


def url_key(url: str) -> str:
    """Dedupe key of a URL (w3lib canonical form, no fragment)."""
    return canonicalize_url(url, keep_fragments=False)


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
    # In-site page targets not crawled (caps, robots): checked at the end instead.
    deferred: dict[str, str] = field(default_factory=dict)  # key → url


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

    # --- scope ------------------------------------------------------------------------
    def want_page(self, code: str, key: str, depth: int) -> bool:
        """Whether to crawl an in-site page; remembers why not (caps) for the summary."""
        st = self.sites[code]
        if key in st.seen:
            return False
        if depth > self.options.max_depth:
            st.summary.depth_cap_hit = True
            return False
        if st.scheduled >= self.options.max_pages_per_site:
            st.summary.page_cap_hit = True
            return False
        st.seen.add(key)
        st.scheduled += 1
        return True

    def want_check(self, key: str) -> bool:
        if key in self.status or key in self.checks_scheduled:
            return False
        self.checks_scheduled.add(key)
        return True

    # --- results ----------------------------------------------------------------------
    def record(self, keys: list[str], status: int | None, failure: LinkFailure | None,
               checked: bool = False) -> None:
        for k in keys:
            self.status[k] = (status, failure)
        if checked:
            self.targets_checked += 1
            self.emit("")

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
