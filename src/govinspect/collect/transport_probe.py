"""The small I/O probe behind the transport facts: per site homepage host, a plain-HTTP GET
(redirect not followed), a TLS handshake (verified, then unverified to read the certificate
and the HSTS header of an HTTPS GET) and an IPv6 lookup + fetch. Honours the crawl's
closed-world resolve map and its private-address policy. Each step (and each name lookup)
has a total time limit (``deadline.Deadline``): a slow-drip server ends it with an error
that says so, not a hang. Judging is in ``transport``."""

from __future__ import annotations

import http.client
import socket
import ssl
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from govinspect.collect.classify import is_ip, may_connect
from govinspect.collect.deadline import Deadline, DeadlineExceeded
from govinspect.collect.deadline import getaddrinfo as getaddrinfo_within
from govinspect.collect.options import CollectOptions
from govinspect.collect.transport import (
    TransportObservation,
    classify_verify_error,
    prober_ipv6,
    transport_facts,
)
from govinspect.core.types import SiteRef


def _closed_lookup(mapping: dict[str, str], host: str) -> str | None:
    return {k.lower().rstrip("."): v for k, v in mapping.items()}.get(host.lower().rstrip("."))


def resolve_host(host: str, options: CollectOptions) -> tuple[str | None, str | None, bool]:
    """(IPv4, IPv6, whether AAAA was looked up) of a host.

    Closed world (``options.resolve``): the address comes from the map only. With
    ``options.resolve6`` the AAAA answer comes from it alone: a host absent there has no AAAA
    record, and that is known. Without ``resolve6`` only an IPv6 address in ``resolve`` itself
    counts; otherwise IPv6 is not measured. Real world (no map): getaddrinfo A and AAAA, each
    within the request timeout. Pure apart from the real-world lookups."""
    if is_ip(host):
        return (None, host.strip("[]"), True) if ":" in host else (host, None, True)
    if options.resolve is not None:
        ip = _closed_lookup(options.resolve, host)
        v4 = ip if ip is not None and ":" not in ip else None
        mapped6 = ip if ip is not None and ":" in ip else None
        if options.resolve6 is not None:
            return v4, _closed_lookup(options.resolve6, host) or mapped6, True
        return v4, mapped6, mapped6 is not None
    v4 = v6 = None
    with Deadline(options.timeout_s) as deadline:
        try:
            v4 = getaddrinfo_within(host, None, deadline, family=socket.AF_INET)[0][4][0]
        except OSError:
            pass
    with Deadline(options.timeout_s) as deadline:
        try:
            v6 = getaddrinfo_within(host, None, deadline, family=socket.AF_INET6)[0][4][0]
        except OSError:
            pass
    return v4, v6, True


class _Conn(http.client.HTTPConnection):
    """HTTP to a given address, with the real host name in the Host header; with a
    ``deadline``, its socket is shut down when the deadline passes."""

    def __init__(self, host: str, ip: str, port: int, timeout: float,
                 deadline: Deadline | None = None):
        super().__init__(host, port, timeout=timeout)
        self.ip = ip
        self.deadline = deadline

    def _raw(self) -> socket.socket:
        timeout = self.timeout if self.deadline is None else \
            min(self.timeout, self.deadline.left())
        sock = socket.create_connection((self.ip, self.port), timeout)
        if self.deadline is not None:
            self.deadline.watch(sock)
        return sock

    def connect(self) -> None:
        self.sock = self._raw()


class _TlsConn(_Conn):
    def __init__(self, host: str, ip: str, port: int, timeout: float, ctx: ssl.SSLContext,
                 deadline: Deadline | None = None):
        super().__init__(host, ip, port, timeout, deadline)
        self.ctx = ctx
        self.peer_cert: bytes | None = None

    def connect(self) -> None:
        self.sock = self.ctx.wrap_socket(self._raw(), server_hostname=self.host)
        self.peer_cert = self.sock.getpeercert(binary_form=True)


def _get(conn: _Conn, path: str, ua: str) -> http.client.HTTPResponse:
    # Header bytes as Scrapy sends them (UTF-8); http.client writes latin-1.
    conn.request("GET", path, headers={"User-Agent": ua.encode().decode("latin-1"),
                                       "Accept": "text/html"})
    resp = conn.getresponse()
    resp.read(65536)
    return resp


def _not_after(der: bytes | None) -> datetime | None:
    if not der:
        return None
    from cryptography import x509

    return x509.load_der_x509_certificate(der).not_valid_after_utc


def _error(e: BaseException, deadline: Deadline) -> str:
    if deadline.expired or isinstance(e, DeadlineExceeded):
        return f"DeadlineExceeded: total time limit of {deadline.seconds:g} s reached"
    return f"{type(e).__name__}: {e}"[:200]


def observe(host: str, path: str, http_port: int, options: CollectOptions,
            https_port: int | None = None) -> TransportObservation:
    timeout = min(options.timeout_s, 10.0)
    ua = options.user_agent
    https_port = https_port or options.https_port
    v4, v6, v6_known = resolve_host(host, options)
    obs: dict[str, Any] = {"host": host, "ipv6_address": v6, "ipv6_known": v6_known}
    ip = v4 or v6
    if ip is None:
        return TransportObservation(**obs, http_error="dns", https_error="dns")
    if not may_connect(host, ip, options.allow_private, options.private_hosts):
        return TransportObservation(**obs, http_error="refused by policy",
                                    https_error="refused by policy")
    with Deadline(timeout) as d:
        try:
            r = _get(_Conn(host, ip, http_port, timeout, d), path, ua)
            d.check()
            obs["http_status"], obs["http_location"] = r.status, r.getheader("Location")
        except (OSError, http.client.HTTPException) as e:
            obs["http_error"] = _error(e, d)
    # Verified handshake: is the certificate valid for this name?
    verified = ssl.create_default_context()
    if options.tls_ca_file:
        verified.load_verify_locations(cafile=options.tls_ca_file)
    with Deadline(timeout) as d:
        try:
            conn = _TlsConn(host, ip, https_port, timeout, verified, d)
            conn.connect()
            d.check()
            obs["cert_not_after"] = _not_after(conn.peer_cert)
            conn.close()
        except ssl.SSLCertVerificationError as e:
            obs["cert_error"] = classify_verify_error(e.verify_code, e.verify_message or str(e))
        except (OSError, ssl.SSLError) as e:
            obs["https_error"] = _error(e, d)
    if "https_error" not in obs:
        # Unverified: read the certificate and the page even when the certificate is bad,
        # as a browser user clicking through the warning would.
        loose = ssl.create_default_context()
        loose.check_hostname = False
        loose.verify_mode = ssl.CERT_NONE
        with Deadline(timeout) as d:
            try:
                conn = _TlsConn(host, ip, https_port, timeout, loose, d)
                r = _get(conn, path, ua)
                d.check()
                obs["https_status"] = r.status
                obs["hsts_header"] = r.getheader("Strict-Transport-Security")
                obs["cert_not_after"] = obs.get("cert_not_after") or _not_after(conn.peer_cert)
                conn.close()
            except (OSError, ssl.SSLError, http.client.HTTPException) as e:
                obs["https_error"] = _error(e, d)
    if v6 is not None and may_connect(host, v6, options.allow_private, options.private_hosts):
        with Deadline(timeout) as d:
            try:
                _get(_Conn(host, v6, http_port, timeout, d), path, ua)
                d.check()
                obs["ipv6_fetch_ok"] = True
            except (OSError, http.client.HTTPException) as e:
                obs["ipv6_fetch_ok"] = False
                obs["ipv6_error"] = _error(e, d)
    return TransportObservation(**obs)


def probe_ports(homepage: str, options: CollectOptions) -> tuple[int, int]:
    """(plain-HTTP port, HTTPS port) to probe for a homepage: for the homepage's own scheme
    the URL's port (explicit or default), for the other scheme ``options.http_port`` /
    ``options.https_port``."""
    parts = urlsplit(homepage)
    if parts.scheme == "https":
        return options.http_port, parts.port or 443
    return parts.port or 80, options.https_port


def probe_site(site: SiteRef, options: CollectOptions) -> dict[str, Any]:
    parts = urlsplit(site.homepage)
    host = (parts.hostname or "").lower()
    http_port, https_port = probe_ports(site.homepage, options)
    path = parts.path or "/"
    try:
        obs = observe(host, path, http_port, options, https_port)
    except Exception as e:  # noqa: BLE001 — a probe fault must not lose the crawl
        obs = TransportObservation(host, http_error=repr(e)[:200], https_error=repr(e)[:200])
    now = datetime.now(UTC)
    return {
        "host": host,
        # Exactly the fields of core.types.TransportFacts: TransportFacts(**row["facts"]).
        "facts": {**transport_facts(obs, now), "checked_at": now.isoformat(),
                  "url": site.homepage},
        "observed_at": now.isoformat(),
        "cert_error": obs.cert_error,
        "cert_not_after": obs.cert_not_after.isoformat() if obs.cert_not_after else None,
        "hsts_header": obs.hsts_header,
        "http_status": obs.http_status,
        "http_error": obs.http_error,
        "http_location": obs.http_location,
        "https_status": obs.https_status,
        "https_error": obs.https_error,
        "ipv6_address": obs.ipv6_address,
        "ipv6_error": obs.ipv6_error,
    }


def probe_sites(sites: list[SiteRef], options: CollectOptions) -> dict[str, dict[str, Any]]:
    """site code → probe row (``facts`` holds the TransportFacts fields). Every row's
    ``prober_ipv6`` says whether the probe reached any site over IPv6 in this run."""
    with ThreadPoolExecutor(max_workers=16) as pool:
        rows = list(pool.map(lambda s: probe_site(s, options), sites))
    reach = prober_ipv6([row["facts"] for row in rows])
    for row in rows:
        row["facts"]["prober_ipv6"] = reach
    return {s.code: row for s, row in zip(sites, rows, strict=True)}


def probe_faults(code: str, row: dict[str, Any]) -> list[dict[str, Any]]:
    """faults.jsonl lines of a probe row: the steps cut off by their time limit (a slow-drip
    or silent server), whose facts are therefore unknown rather than observed."""
    out = []
    for step in ("http", "https", "ipv6"):
        error = row.get(f"{step}_error") or ""
        if "time limit" in error or "timed out" in error.lower():
            out.append({"site_code": code, "kind": "transport_probe", "url": row["facts"]["url"],
                        "step": step, "error": error})
    return out
