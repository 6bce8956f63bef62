"""One availability visit of a homepage (indicator W-V2): GET it within a total time limit.

I/O only, judges nothing: the visit's outcome class, HTTP status and latency go back to the
prober (``govinspect.web.rounds.probes``), the rule decides what they mean.

Plain ``http.client`` over a socket this module connects itself, so that name resolution is
under our control: with a ``resolve`` map (host → IP) resolution is closed-world — a mapped
host gets its IP, every other host fails as a DNS error without any real DNS query (the demo
and the tests never reach outside). Private, loopback and reserved addresses are refused
unless ``allow_private``. The limit (15 s by default) covers the whole visit: resolution,
connect, TLS, every redirect and reading the page — a server that answers one byte at a time
is cut off at the limit too (``deadline.Deadline`` shuts the socket down). HTTPS certificates are verified (system CAs,
plus ``ca_file`` when given: a province's private CA, the demo network's CA): a homepage a
browser would refuse has not opened.
"""

from __future__ import annotations

import functools
import http.client
import ipaddress
import socket
import ssl
import time
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from govinspect import __version__
from govinspect.collect.deadline import Deadline
from govinspect.collect.deadline import getaddrinfo as getaddrinfo_within
from govinspect.core.probes import ProbeOutcome

USER_AGENT = f"govinspect/{__version__} (availability probe; +https://github.com/govinspect)"
MAX_BODY = 10 * 1024 * 1024  # a homepage bigger than this has opened; stop reading
REDIRECTS = {301, 302, 303, 307, 308}


@dataclass(frozen=True)
class Visit:
    outcome: ProbeOutcome
    status: int | None
    latency_ms: int
    url: str  # the last URL requested
    error: str = ""


class _PolicyRefused(Exception):
    """The address may not be touched in this round."""


class _Connection(http.client.HTTPConnection):
    """Connected by ``_get`` to the IP it chose; closed by ``_get`` too, after the body has been
    read — http.client would close the socket on "Connection: close" before the body is read,
    and the deadline must keep adjusting that socket's timeout."""

    def close(self) -> None:
        pass


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _forbidden(ip: str) -> bool:
    return not ipaddress.ip_address(ip).is_global


def resolve_host(host: str, port: int, resolve: dict[str, str] | None,
                 allow_private: bool, deadline: Deadline | None = None) -> str:
    """The IP to connect to. Raises socket.gaierror (as DNS does) or _PolicyRefused."""
    key = host.lower().rstrip(".")
    if resolve is not None:
        if _is_ip(key):
            if key not in resolve.values():
                raise _PolicyRefused(f"{host}: address outside the closed world")
            ip = key
        else:
            ip = resolve.get(key)
            if ip is None:
                raise socket.gaierror(socket.EAI_NONAME, f"{host}: not in the resolve map")
    elif _is_ip(key):
        ip = key
    elif deadline is not None:
        ip = getaddrinfo_within(key, port, deadline, type=socket.SOCK_STREAM)[0][4][0]
    else:
        ip = socket.getaddrinfo(key, port, type=socket.SOCK_STREAM)[0][4][0]
    if not allow_private and _forbidden(ip):
        raise _PolicyRefused(f"{host} → {ip}: private or reserved address refused")
    return ip


@functools.lru_cache(maxsize=8)
def _tls_context(ca_file: str | None) -> ssl.SSLContext:
    """One verifying context per CA file for the process: building one loads the system's CA
    store (~20 ms of CPU), which would otherwise be part of every visit's latency."""
    context = ssl.create_default_context()
    if ca_file:
        context.load_verify_locations(cafile=ca_file)
    return context


def _get(url: str, deadline: Deadline, resolve: dict[str, str] | None,
         allow_private: bool, ca_file: str | None = None) -> tuple[int, str | None]:
    """One request without following redirects: (status, Location)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"not an http(s) URL: {url}")
    host = parts.hostname
    port = parts.port or (443 if parts.scheme == "https" else 80)
    ip = resolve_host(host, port, resolve, allow_private, deadline)
    sock = socket.create_connection((ip, port), timeout=deadline.left())
    deadline.watch(sock)
    try:
        if parts.scheme == "https":
            sock.settimeout(deadline.left())
            sock = _tls_context(ca_file).wrap_socket(sock, server_hostname=host)
        conn = _Connection(host, port)
        conn.sock = sock  # already connected to the IP we chose
        path = parts.path or "/"
        if parts.query:
            path += "?" + parts.query
        host_header = parts.netloc.rsplit("@", 1)[-1]
        sock.settimeout(deadline.left())
        conn.request("GET", path, headers={
            "Host": host_header, "User-Agent": USER_AGENT, "Accept": "text/html,*/*;q=0.8",
            "Accept-Encoding": "identity", "Connection": "close"})
        sock.settimeout(deadline.left())
        response = conn.getresponse()
        read = 0
        while read < MAX_BODY:  # the page has opened only once it has arrived
            sock.settimeout(deadline.left())
            chunk = response.read(65536)
            if not chunk:
                break
            read += len(chunk)
        deadline.check()  # a body cut off by the deadline has not arrived
        return response.status, response.getheader("Location")
    finally:
        sock.close()


def _classify(exc: BaseException) -> ProbeOutcome:
    if isinstance(exc, _PolicyRefused):
        return ProbeOutcome.POLICY
    if isinstance(exc, socket.gaierror):
        return ProbeOutcome.DNS
    if isinstance(exc, TimeoutError):
        return ProbeOutcome.TIMEOUT
    if isinstance(exc, ssl.SSLError | ssl.CertificateError):
        return ProbeOutcome.TLS
    if isinstance(exc, ConnectionRefusedError):
        return ProbeOutcome.REFUSED
    return ProbeOutcome.OTHER


def visit(url: str, *, timeout_s: float = 15.0, resolve: dict[str, str] | None = None,
          allow_private: bool = False, max_redirects: int = 5,
          ca_file: str | None = None) -> Visit:
    """GET ``url`` following redirects, all within ``timeout_s`` seconds."""
    started = time.monotonic()
    deadline = Deadline(timeout_s)
    resolve = {k.lower().rstrip("."): v for k, v in resolve.items()} if resolve is not None \
        else None
    current, seen = url, {url}
    status: int | None = None

    def done(outcome: ProbeOutcome, error: str = "") -> Visit:
        return Visit(outcome, status, round((time.monotonic() - started) * 1000), current, error)

    try:
        for _ in range(max_redirects + 1):
            status, location = _get(current, deadline, resolve, allow_private, ca_file)
            if status in REDIRECTS and location:
                current = urljoin(current, location)
                if current in seen:
                    return done(ProbeOutcome.OTHER, "redirect loop")
                seen.add(current)
                continue
            if status >= 400:
                return done(ProbeOutcome.HTTP_ERROR, f"HTTP {status}")
            return done(ProbeOutcome.OK)
        return done(ProbeOutcome.OTHER, "too many redirects")
    except Exception as exc:  # noqa: BLE001 - every failure of a visit is an outcome class
        if deadline.expired:  # the socket was shut down under a read: the limit, not the site
            return done(ProbeOutcome.TIMEOUT,
                        f"total time limit of {timeout_s:g} s reached ({type(exc).__name__})")
        return done(_classify(exc), f"{type(exc).__name__}: {exc}"[:500])
    finally:
        deadline.close()
