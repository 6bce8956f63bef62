"""Domain types shared by every layer. Pure: no I/O, no Django, no Scrapy.

Django models (``govinspect.web``) persist these; the collector produces ``CaptureRecord``
and ``LinkCheck``; rules turn facts into ``Finding``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from enum import StrEnum


class SiteKind(StrEnum):
    """网站类型 as written in rosters and reports."""

    PORTAL = "门户"
    DEPARTMENT = "部门"
    SPECIAL = "专项"


class UnitLevel(StrEnum):
    """Where a unit sits in the city's hierarchy."""

    CITY = "市直"
    COUNTY = "县市区"
    DEPARTMENT = "部门"


class Confidence(StrEnum):
    CERTAIN = "确定"
    SUSPECTED = "疑似"


class LinkClass(StrEnum):
    """Where a link points, relative to the site that links to it."""

    IN_SITE = "in_site"
    SAME_DOMAIN = "same_domain"
    OUTBOUND = "outbound"


class ResourceKind(StrEnum):
    PAGE = "page"
    ATTACHMENT = "attachment"
    IMAGE = "image"


class LinkFailure(StrEnum):
    """Why a link is broken. ``None`` on a LinkCheck means it works."""

    DNS = "dns"
    REFUSED = "connect_refused"
    TLS = "tls"
    TIMEOUT = "timeout"
    HTTP_4XX = "http_4xx"
    HTTP_5XX = "http_5xx"
    REDIRECT_LOOP = "redirect_loop"
    SOFT_404 = "soft_404"
    BLOCKED = "blocked"  # WAF / anti-bot: reported, never counted as dead
    OTHER = "other"


@dataclass(frozen=True)
class SiteRef:
    """The parts of a roster site that analysis needs."""

    code: str  # 网站标识码, 10 digits
    name: str
    homepage: str
    kind: SiteKind
    hosts: tuple[str, ...] = ()  # every host that belongs to the site (homepage host first)


@dataclass(frozen=True)
class CaptureRecord:
    """One fetched response, as written by the collector."""

    site_code: str
    url: str
    final_url: str
    status: int
    content_type: str
    fetched_at: str  # ISO 8601, UTC
    depth: int
    parent_url: str | None
    warc_file: str
    warc_offset: int
    digest: str  # sha1 of the payload, base32 as in WARC-Payload-Digest


@dataclass(frozen=True)
class LinkCheck:
    """The status of one link found on one page (a link seen on N pages gives N checks)."""

    site_code: str
    parent_url: str  # the page the link was found on
    url: str  # absolute target URL
    text: str  # anchor text or alt text
    link_class: LinkClass
    resource_kind: ResourceKind
    status: int | None  # final HTTP status, None when no response
    failure: LinkFailure | None  # None when the link works

    @property
    def broken(self) -> bool:
        return self.failure is not None and self.failure != LinkFailure.BLOCKED


@dataclass(frozen=True)
class TransportFacts:
    """How one site answers at the transport level (collected per site per round; None =
    not measured). Rules in ``govinspect.rules.transport`` judge it."""

    https_available: bool | None = None  # https://host/ answers (any HTTP status) over TLS
    redirects_to_https: bool | None = None  # http://host/ redirects to an https:// URL
    cert_valid: bool | None = None  # chain, host name and dates verify
    # why cert_valid is False: expired | hostname_mismatch | untrusted | not_yet_valid | text
    cert_error: str | None = None
    cert_days_left: int | None = None  # days until notAfter, from the collection time
    hsts: bool | None = None  # Strict-Transport-Security on the HTTPS answer
    ipv6: bool | None = None  # AAAA record and the homepage answers over IPv6
    ipv6_aaaa: bool | None = None  # the host has an AAAA record (None: not looked up)
    # the probe fetched some site over IPv6 in the same run, so its own IPv6 works (False: it
    # tried and reached none; None: it never tried)
    prober_ipv6: bool | None = None
    checked_at: str = ""  # ISO 8601
    url: str = ""  # the URL probed (the homepage)


@dataclass(frozen=True)
class SearchQuery:
    """One published title searched for with the site's own search form (W-D25)."""

    title: str  # the title as the page shows it (its headline)
    page_url: str  # the captured page it was read from
    url: str  # the results page asked for (GET: with the query string; POST: the action)
    method: str = "GET"
    status: int | None = None  # HTTP status of the results page; None: no answer
    error: str | None = None  # why there was no answer (DNS, timeout, refused …)
    found: bool = False  # the title, or a link to its page, is on the first results page
    categorised: bool = False  # the results page labels its results by category
    categories: tuple[str, ...] = ()  # the category labels it shows (政策文件, 办事指南 …)


@dataclass(frozen=True)
class SearchFacts:
    """What the collector saw of a site's search after the crawl (collect/search_probe.py);
    rules in ``govinspect.rules.site_search`` judge it."""

    homepage: str
    form_found: bool | None  # a search form on the homepage; None: homepage not captured
    action: str = ""  # absolute URL the form submits to
    method: str = ""  # GET | POST
    queries: tuple[SearchQuery, ...] = ()  # in the order drawn (the sample)
    checked_at: str = ""  # ISO 8601
    note: str = ""  # why fewer titles were searched than asked (too few detail pages …)


@dataclass(frozen=True)
class Span:
    """Character offsets into ``Evidence.context`` of the offending text."""

    start: int
    end: int


@dataclass(frozen=True)
class Evidence:
    url: str
    parent_url: str | None = None
    context: str = ""
    span: Span | None = None
    capture: str | None = None  # "warc_file#offset" of the capture that shows it


@dataclass(frozen=True)
class Finding:
    """One rule violation at one place. ``fingerprint`` is stable across rounds."""

    rule_id: str
    indicator_id: str
    subject: str  # 网站标识码 or account 标识码
    message: str  # zh-hans, for reports
    evidence: Evidence
    confidence: Confidence = Confidence.CERTAIN
    # Which deduction item of the indicator this finding feeds (e.g. "homepage" / "other" for
    # W-D22); the scoring engine looks up the points for it in the indicator set.
    item: str = ""
    details: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def fingerprint(self) -> str:
        """Same problem at the same place → same fingerprint, round after round."""
        parts = [self.rule_id, self.subject, self.item, self.evidence.url,
                 self.evidence.parent_url or ""]
        if self.evidence.span is not None:
            c = self.evidence.context
            parts.append(c[self.evidence.span.start:self.evidence.span.end])
        return hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:20]
