"""Transport facts of a site host (pure: no I/O). ``transport_probe`` observes, this judges.

The facts map one to one onto ``core.types.TransportFacts``: https_available,
redirects_to_https, cert_valid (with cert_error, why not), cert_days_left, hsts, ipv6
(None = unknown) with ipv6_aaaa (why not); ``prober_ipv6`` is a fact of the whole run."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

FACT_FIELDS = ("https_available", "redirects_to_https", "cert_valid", "cert_error",
               "cert_days_left", "hsts", "ipv6", "ipv6_aaaa")


@dataclass(frozen=True)
class TransportObservation:
    """What the probe saw for one host (None: not observed)."""

    host: str
    http_status: int | None = None  # GET http://host/ (redirects not followed)
    http_location: str | None = None
    http_error: str | None = None
    https_status: int | None = None  # GET https://host/ over TLS (certificate not required)
    https_error: str | None = None  # why no HTTPS answer (refused, handshake …)
    hsts_header: str | None = None
    cert_not_after: datetime | None = None
    cert_error: str | None = None  # "expired" | "hostname_mismatch" | "untrusted" | other text
    ipv6_address: str | None = None  # AAAA (or the resolve map's IPv6 address)
    ipv6_known: bool = False  # False: AAAA not looked up (closed world without an IPv6 entry)
    ipv6_fetch_ok: bool | None = None
    ipv6_error: str | None = None  # why the fetch over IPv6 got no answer


_MAX_AGE = re.compile(r"(?:^|;)\s*max-age\s*=\s*\"?(\d+)\"?\s*(?:;|$)", re.IGNORECASE)


def hsts_max_age(header: str | None) -> int | None:
    """The max-age of a Strict-Transport-Security header; None when absent or malformed."""
    if not header:
        return None
    m = _MAX_AGE.search(header)
    return int(m.group(1)) if m else None


def classify_verify_error(code: int | None, message: str) -> str:
    """OpenSSL verify result → a short reason."""
    text = message.lower()
    if code == 10 or "expired" in text:
        return "expired"
    if code == 9 or "not yet valid" in text:
        return "not_yet_valid"
    if code == 62 or "hostname mismatch" in text or "doesn't match" in text:
        return "hostname_mismatch"
    if code in (18, 19, 20, 21) or "self-signed" in text or "self signed" in text \
            or "unable to get local issuer" in text:
        return "untrusted"
    return message[:200] or "invalid"


def transport_facts(obs: TransportObservation, now: datetime) -> dict[str, Any]:
    """The facts (field names of core.types.TransportFacts, ``FACT_FIELDS``)."""
    https = obs.https_status is not None
    redirects: bool | None = None
    if obs.http_status is not None:
        target = urlsplit(obs.http_location or "")
        redirects = 300 <= obs.http_status < 400 and target.scheme.lower() == "https"
    elif https and obs.http_error:
        redirects = False  # plain HTTP unreachable, HTTPS answers: nothing to redirect
    days = None
    if obs.cert_not_after is not None:
        days = (obs.cert_not_after - now).days
        if obs.cert_not_after < now:
            days = -((now - obs.cert_not_after).days)
    max_age = hsts_max_age(obs.hsts_header)
    if obs.ipv6_address is not None:
        ipv6: bool | None = bool(obs.ipv6_fetch_ok)
        aaaa: bool | None = True
    else:
        ipv6 = aaaa = False if obs.ipv6_known else None
    return {
        "https_available": https,
        "redirects_to_https": redirects,
        "cert_valid": (obs.cert_error is None) if https else None,
        "cert_error": obs.cert_error if https else None,
        "cert_days_left": days,
        "hsts": (max_age is not None and max_age > 0) if https else None,
        "ipv6": ipv6,
        "ipv6_aaaa": aaaa,
    }


def prober_ipv6(facts: Iterable[dict[str, Any]]) -> bool | None:
    """Whether the probe's own IPv6 works, from the facts of one run's sites: True when it
    fetched some site over IPv6, False when it tried (some site has an AAAA record) and reached
    none, None when it never tried."""
    tried = False
    for f in facts:
        if f.get("ipv6"):
            return True
        tried = tried or bool(f.get("ipv6_aaaa"))
    return False if tried else None
