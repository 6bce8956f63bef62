"""Options, progress events and the summary of one collect run. Plain data, no Scrapy."""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass, field, fields
from typing import Any

DEFAULT_USER_AGENT = "govinspect/0.1 (+政府网站检查; contact configured per installation)"


@dataclass
class CollectOptions:
    """How to crawl. The defaults are the polite ones for real rounds; the demo and the tests
    pass faster values (no delay, no AutoThrottle) and ``allow_private=True``."""

    # host → IP. When given, name resolution is closed-world: every host not in the map fails
    # like a DNS error and no real DNS query is ever sent.
    resolve: dict[str, str] | None = None
    # host → IPv6 address: the closed world's AAAA records, read only with ``resolve`` (the
    # transport probe's IPv6 check; the crawl stays on ``resolve``). A host absent here has no
    # AAAA record; None: the closed world says nothing about IPv6 (not measured).
    resolve6: dict[str, str] | None = None
    # Refuse private, loopback, link-local and metadata targets unless the round allows them
    # (all of them), or the roster names the host (``private_hosts``: an intranet site whose
    # name resolves to a private address; only those names, never an IP literal or a name
    # reached by a redirect that is not in the list).
    allow_private: bool = False
    private_hosts: list[str] = field(default_factory=list)
    # Hosts a page or attachment request may be redirected to and still be archived as the
    # site's capture: every host of every roster site (and its declared aliases). None: the
    # hosts of the sites collected (collect_sites fills it in before sharding, so every worker
    # knows the whole roster). A redirect elsewhere is followed as a status check only and
    # recorded as a fault (``offsite_redirect``).
    roster_hosts: list[str] | None = None
    per_host_concurrency: int = 2
    download_delay: float = 0.5
    autothrottle: bool = True
    max_pages_per_site: int = 5000
    max_depth: int = 12
    # Total time of one request (connect, TLS, headers and body: a slow-drip answer ends here)
    timeout_s: float = 15.0
    # Bytes kept of a page, on the wire and after decompression: the rest is cut (the capture
    # says ``truncated``; a gzip bomb stops here).
    max_download_bytes: int = 20 * 1024 * 1024
    # Links recorded per page (the rest are counted, not recorded: fault ``links_cut``) and
    # markup tags parsed per page (the rest is not parsed: fault ``parse_cut``); both keep the
    # memory of one page bounded whatever a server sends.
    max_links_per_page: int = 20000
    max_tags_per_page: int = 200_000
    # Link checks need at most this much body (soft-404 / WAF challenge pages).
    check_body_bytes: int = 64 * 1024
    user_agent: str = DEFAULT_USER_AGENT
    obey_robots: bool = True
    warc_max_bytes: int = 1024 * 1024 * 1024
    retry_times: int = 2
    # First retry waits this long, then twice as long each time (5xx, timeouts).
    retry_backoff_s: float = 1.0
    # A 429/503 Retry-After longer than this is not waited for: the retry happens after the
    # backoff instead (issue 4 will reschedule properly).
    retry_after_max_s: float = 30.0
    max_redirects: int = 10
    # In-site office attachments (pdf, doc(x), xls(x), wps, et, zip, rar, ofd) are archived
    # in the WARC up to this many bytes each (0: status check only, as for other links).
    attachment_max_bytes: int = 10 * 1024 * 1024
    # Trap bounds: calendar dates outside [today − past, today + future] years are cut;
    # so are page numbers above max_pagination (and paginations that repeat their content).
    calendar_past_years: int = 2
    calendar_future_years: int = 1
    max_pagination: int = 1000
    # Transport facts (HTTPS, certificate, HSTS, IPv6) per site host after the crawl.
    probe_transport: bool = True
    # Ports of the scheme the homepage URL does not name: HTTPS probed for an http://
    # homepage, plain HTTP for an https:// one (a URL's own scheme uses its own port).
    https_port: int = 443
    http_port: int = 80
    # Extra CA certificates (PEM) trusted besides the system's, e.g. a province's private CA.
    tls_ca_file: str | None = None
    # Site search (W-D25) after the crawl: the homepage's search form, asked for published
    # titles drawn from the captured detail pages (search_probe.py).
    probe_search: bool = True
    search_sample: int = 4  # titles searched per site
    # Seeds the drawn samples (the search titles) with the site code; the round's name, so a
    # re-run of the round draws the same ones (collect_round sets it).
    sample_seed: str = ""
    total_concurrency: int = 64  # over all hosts (split between workers)
    # Worker processes, sites sharded across them (collect/shards.py): one Scrapy process
    # keeps one core busy. Per-host politeness is the same for any number.
    workers: int = 1  # the round CLI and the demo use default_workers()
    log_level: str = "WARNING"
    # Raw Scrapy settings, applied last (they win over everything above).
    scrapy_settings: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CollectOptions:
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ValueError(f"采集选项中有未知字段：{', '.join(unknown)}")
        return cls(**data)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class ProgressEvent:
    """Sent to the optional progress callback (throttled; the last event has ``done=True``)."""

    site_code: str  # the site whose counters changed ("" for the final event)
    pages_crawled: int  # pages of this site fetched so far
    links_found: int  # link occurrences found on this site so far
    links_checked: int  # distinct link targets checked so far (all sites: the cache is shared)
    pages_total: int  # pages fetched so far, all sites
    sites_total: int
    done: bool = False


@dataclass
class SiteSummary:
    code: str
    homepage: str
    pages: int = 0  # capture records written (final responses of page requests)
    pages_failed: int = 0  # page requests that ended without a response (DNS, timeout …)
    pages_offsite: int = 0  # page requests redirected out of the roster (not archived)
    link_checks: int = 0  # LinkCheck rows written for this site
    broken_links: int = 0
    blocked_links: int = 0
    unchecked_links: int = 0  # link occurrences whose target was never fetched (caps)
    page_cap_hit: bool = False
    depth_cap_hit: bool = False
    robots_disallowed: int = 0
    homepage_status: int | None = None
    homepage_failure: str | None = None
    attachments: int = 0  # attachment bodies archived (attachments.jsonl lines)
    # The homepage redirected to a host outside the roster: the target (not archived as the
    # site's capture; faults.jsonl has the evidence). None otherwise.
    homepage_redirect: str | None = None
    faults: int = 0  # lines of this site in faults.jsonl
    # Crawler traps cut off: [{"kind": "calendar"|"session"|"pagination", "pattern", "cut"}]
    traps: list[dict[str, Any]] = field(default_factory=list)
    # TransportFacts of the homepage host (see transport.py), None when not probed
    transport: dict[str, Any] | None = None
    # site search: {"form_found", "searched", "found", "categorised"}; None when not probed
    search: dict[str, Any] | None = None


@dataclass
class CollectSummary:
    out_dir: str
    started_at: str
    finished_at: str
    elapsed_s: float
    pages_total: int
    link_checks_total: int
    targets_checked: int  # distinct URLs fetched only to check them
    warc_files: list[str]
    sites: dict[str, SiteSummary]
    notes: list[str] = field(default_factory=list)  # zh-hans, for the office
    resumed: int = 0  # how many times this run was resumed after an interruption

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CollectSummary:
        sites = {code: SiteSummary(**s) for code, s in data["sites"].items()}
        return cls(**{**data, "sites": sites})


def default_workers() -> int:
    """One collect worker per core, at most 8 (past that, politeness bounds a round)."""
    return max(1, min(8, os.cpu_count() or 1))
