"""Serve the demo network from one process: one listening socket per site address
(127.0.0.N), all answering from the same in-memory network, routed by the Host header.

A network built with an ``https_port`` is also served over TLS on that port, on the address of
every site that has HTTPS (per-site certificates of the demo CA, chosen by SNI), with the
site's transport plan: plain HTTP answers 301 to HTTPS where the site redirects, HTTPS answers
carry Strict-Transport-Security where it sets HSTS (``model.SiteTransport``).

A network built with ``ipv6=True`` is also served over plain HTTP on ``[::1]:port`` (one
listener, the same handler, routed by the Host header like the others); it answers only the
sites whose IPv6 works (``Network.ipv6``) and closes other connections unanswered (a broken
IPv6 front end: the client fails at once, no timeout). ``DemoServer.resolve6`` is the AAAA map
a client uses, None when ``::1`` cannot be bound here (then IPv6 is simply not served).

Fault modes (only present when the network was built with ``faults=True``):
slow hosts sleep a deterministic 0.3–0.8 s per request; the flaky homepage answers 503 on
every Nth request (never twice in a row); the crawler-trap calendar is generated on request.
"""

from __future__ import annotations

import contextlib
import errno
import json
import socket
import ssl
import threading
import time
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from govinspect.demo.model import IPV6_LOOPBACK, Network, Page, origin

NOT_FOUND = (
    b"<html><head><title>404 Not Found</title></head><body>"
    b"<center><h1>404 Not Found</h1></center><hr><center>nginx</center></body></html>\n"
)
MOVED = (
    b"<html><head><title>301 Moved Permanently</title></head><body>"
    b"<center><h1>301 Moved Permanently</h1></center><hr><center>nginx</center></body></html>\n"
)
HSTS = "max-age=31536000"
UNAVAILABLE = (
    b"<html><head><title>503 Service Temporarily Unavailable</title></head><body>"
    b"<center><h1>503 Service Temporarily Unavailable</h1></center></body></html>\n"
)


class DemoServerError(RuntimeError):
    """The demo network could not be served (message in Chinese)."""


def _port_free(ip: str, port: int) -> bool:
    family = socket.AF_INET6 if ":" in ip else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((ip, port))
        except OSError:
            return False
    return True


def ipv6_loopback_available() -> bool:
    """Whether this machine can listen on the IPv6 loopback ``::1`` (no IPv6 stack, or IPv6
    disabled, in some containers)."""
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as s:
            s.bind((IPV6_LOOPBACK, 0))
    except OSError:
        return False
    return True


def choose_port(preferred: int = 80, ip: str = "127.0.0.2", avoid: tuple[int, ...] = (),
                ipv6: bool = False) -> int:
    """``preferred`` when it can be bound on the loopback, else a free high port; never one
    of ``avoid`` (the HTTP port, when choosing the HTTPS one: ``choose_port(443, avoid=(p,))``).
    ``ipv6``: the port must also be free on ``::1`` (the HTTP port of an ``ipv6`` network).

    Build the network with the result (absolute URLs in pages carry the port)."""

    def free(port: int) -> bool:
        return port not in avoid and _port_free(ip, port) and (
            not ipv6 or _port_free(IPV6_LOOPBACK, port))

    if free(preferred):
        return preferred
    for _ in range(100):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            s.bind((ip, 0))
            port = s.getsockname()[1]
        if free(port):
            return port
    raise DemoServerError(f"无法在 {ip} 上找到空闲端口")


@dataclass
class _State:
    net: Network
    counters: dict[tuple[str, str], int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    # the demo's fix switch (fixes.py): (host, target) → the corrected resource served instead
    fixed: dict[tuple[str, str], Page] = field(default_factory=dict)
    # the switch as a file another process writes (`govinspect demo-fix`): a JSON list of
    # manifest entry indices, read again whenever it changes
    fixes_file: Path | None = None
    fixes_seen: int | None = None

    def refresh_fixes(self) -> None:
        if self.fixes_file is None:
            return
        try:
            mtime = self.fixes_file.stat().st_mtime_ns
        except OSError:
            mtime = None
        if mtime == self.fixes_seen:
            return
        from govinspect.demo.fixes import corrected_pages

        fixed: dict[tuple[str, str], Page] = {}
        if mtime is not None:
            try:
                wanted = json.loads(self.fixes_file.read_text(encoding="utf-8"))
                fixed = corrected_pages(self.net, [self.net.manifest[i] for i in wanted])
            except (OSError, ValueError, IndexError, TypeError):
                return  # half-written or bad: keep serving what was in force
        with self.lock:
            self.fixed, self.fixes_seen = fixed, mtime

    def flaky_fails(self, host: str, path: str) -> bool:
        every = self.net.flaky.get((host, path))
        if not every:
            return False
        with self.lock:
            n = self.counters.get((host, path), 0)
            self.counters[(host, path)] = n + 1
        return n % every == 1  # first request succeeds; never two failures in a row


class _Handler(BaseHTTPRequestHandler):
    server_version = "nginx"
    sys_version = ""
    protocol_version = "HTTP/1.1"
    state: _State  # set on the subclass
    extra_headers: tuple[tuple[str, str], ...] = ()  # this answer's transport headers (HSTS)

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - keep quiet
        pass

    def _answer(self, head_only: bool, form: str = "") -> None:
        net = self.state.net
        asked = (self.headers.get("Host") or "").split(":")[0].lower()
        host = net.aliases.get(asked, asked)
        if self.server.address_family == socket.AF_INET6 and net.ipv6_of(host) != "ok":
            # the IPv6 front end does not serve this site: close at once, no answer
            self.close_connection = True
            return
        target = self.path
        if target.startswith("http://") or target.startswith("https://"):
            target = "/" + target.split("/", 3)[3] if target.count("/") >= 3 else "/"
        if form:  # a POSTed form is answered like the same GET (search endpoints)
            target += ("&" if "?" in target else "?") + form
        path = target.split("?", 1)[0]
        transport = net.transport_of(host)
        tls = isinstance(self.connection, ssl.SSLSocket)
        self.extra_headers = ()
        if transport is not None and not tls and transport.https and transport.redirect:
            # the front server's redirect: before any page logic (faults included)
            location = origin(asked, net.https_port or 443, "https") + target
            self._send(301, "text/html", MOVED, (("Location", location),), head_only)
            return
        if transport is not None and tls and transport.hsts:
            self.extra_headers = (("Strict-Transport-Security", HSTS),)
        delay = net.slow_hosts.get(host)
        if delay:
            lo, hi = delay
            time.sleep(lo + (zlib.crc32(target.encode()) % 1000) / 1000 * (hi - lo))
        if self.state.flaky_fails(host, path):
            self._send(503, "text/html", UNAVAILABLE, (("Retry-After", "1"),), head_only)
            return
        self.state.refresh_fixes()
        page = self.state.fixed.get((host, target)) or net.lookup(host, target)
        if page is None:
            self._send(404, "text/html", NOT_FOUND, (), head_only)
            return
        self._send(page.status, page.content_type, page.body, page.headers, head_only)

    def _send(self, status: int, ctype: str, body: bytes, headers, head_only: bool) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (*headers, *self.extra_headers):
            self.send_header(k, v)
        self.end_headers()
        if not head_only:
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: N802 - http.server API
        self._answer(False)

    def do_HEAD(self) -> None:  # noqa: N802
        self._answer(True)

    def do_POST(self) -> None:  # noqa: N802
        try:
            length = min(int(self.headers.get("Content-Length") or 0), 1 << 16)
        except ValueError:
            length = 0
        body = self.rfile.read(length) if length > 0 else b""
        self._answer(False, body.decode("latin-1").strip())


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64


class _Server6(_Server):
    address_family = socket.AF_INET6


class _TlsServer(_Server):
    """The same server over TLS. The handshake runs in the connection's own thread (wrapping
    the listening socket would run it in the accept loop, where one stalled client blocks
    every other); a client that gives up in the handshake — a verifying client refusing a
    planted certificate — is no error."""

    context: ssl.SSLContext

    def finish_request(self, request, client_address) -> None:
        request.settimeout(10)
        try:
            conn = self.context.wrap_socket(request, server_side=True)
        except (OSError, ssl.SSLError):
            return
        try:
            conn.settimeout(None)
            self.RequestHandlerClass(conn, client_address, self)
        finally:
            with contextlib.suppress(OSError):
                conn.close()

    def handle_error(self, request, client_address) -> None:
        import sys

        if isinstance(sys.exc_info()[1], OSError):  # resets and TLS alerts of leaving clients
            return
        super().handle_error(request, client_address)


@dataclass
class DemoServer:
    """A running demo network. ``resolve`` maps every served host to its address."""

    net: Network
    port: int
    resolve: dict[str, str]
    _servers: list[_Server]
    _threads: list[threading.Thread]
    https_port: int | None = None  # HTTPS is served (net.https_port) on the sites that have it
    # host → IPv6 address (AAAA) when IPv6 is served ([::1]:port); None: not served
    resolve6: dict[str, str] | None = None
    ipv6_note: str | None = None  # why IPv6 is not served although the network plans it
    _state: _State | None = None

    def fix(self, *entries: dict) -> None:
        """The demo's fix switch: from now on serve the planted problems of these manifest
        entries corrected (``fixes.corrected_pages``; ``FixError`` for one it cannot fix)."""
        from govinspect.demo.fixes import corrected_pages

        state = self._state
        with state.lock:
            state.fixed = corrected_pages(self.net, entries, state.fixed)

    def unfix(self) -> None:
        """Serve every planted problem as generated again."""
        with self._state.lock:
            self._state.fixed = {}

    def close(self) -> None:
        for s in self._servers:
            s.shutdown()
            s.server_close()
        for t in self._threads:
            t.join(timeout=5)


def start_network(net: Network, fixes_file: Path | None = None) -> DemoServer:
    """Start serving ``net`` on ``net.port`` of every address in its resolve map, on
    ``net.https_port`` of every address of a site with HTTPS, and (``ipv6`` networks) on
    ``[::1]:net.port``. ``fixes_file``: the fix switch as a file (``_State.refresh_fixes``)."""
    state = _State(net, fixes_file=fixes_file)
    handler = type("DemoHandler", (_Handler,), {"state": state})
    servers: list[_Server] = []

    def bind(cls, ip: str, port: int) -> _Server:
        try:
            return cls((ip, port), handler)
        except OSError as exc:
            if exc.errno in (errno.EADDRINUSE, errno.EACCES):
                raise DemoServerError(
                    f"无法在 {ip}:{port} 上启动示例网站群（端口被占用或无权限）；"
                    f"请用 choose_port() 选择端口后重新生成网站群") from exc
            raise

    try:
        for ip in sorted(set(net.resolve.values()), key=lambda a: tuple(map(int, a.split(".")))):
            servers.append(bind(_Server, ip, net.port))
        if net.tls is not None and net.https_port is not None:
            from govinspect.demo.tls import server_contexts

            contexts = server_contexts(net.tls, net.aliases)
            tls_ips: dict[str, ssl.SSLContext] = {}
            for site in net.sites:
                if site.host in contexts:
                    tls_ips.setdefault(site.ip, contexts[site.host])
            # hosts with a certificate that are no site (real-site mode's outside hosts) share
            # one listener on their address; SNI picks each one's certificate
            for host, ctx in sorted(contexts.items()):
                if host in net.resolve:
                    tls_ips.setdefault(net.resolve[host], ctx)
            for ip, ctx in tls_ips.items():
                tls_server = bind(_TlsServer, ip, net.https_port)
                tls_server.context = ctx
                servers.append(tls_server)
        ipv6_note = None
        if net.ipv6:
            try:
                servers.append(bind(_Server6, IPV6_LOOPBACK, net.port))
            except OSError as exc:  # no IPv6 here: serve without it, IPv6 unmeasured
                ipv6_note = (f"本机无法在 [{IPV6_LOOPBACK}]:{net.port} 上监听（{exc.strerror or exc}），"
                             f"示例网站群不提供IPv6访问，本轮不检测IPv6改造（W-D29）")
    except BaseException:
        for s in servers:
            s.server_close()
        raise
    threads = []
    for s in servers:
        t = threading.Thread(target=s.serve_forever, kwargs={"poll_interval": 0.2},
                             name=f"demo-{s.server_address[0]}", daemon=True)
        t.start()
        threads.append(t)
    resolve = dict(net.resolve)
    served6 = net.ipv6 and ipv6_note is None
    return DemoServer(net, net.port, resolve, servers, threads,
                      https_port=net.https_port if net.tls is not None else None,
                      resolve6=dict(net.resolve6) if served6 else None, ipv6_note=ipv6_note,
                      _state=state)


@contextlib.contextmanager
def serve_network(net: Network) -> Iterator[DemoServer]:
    """``with serve_network(net) as server:`` — serve in background threads of this process."""
    server = start_network(net)
    try:
        yield server
    finally:
        server.close()
