"""A small multi-host web server on 127.0.0.1 for collector tests (routing by Host header)."""

from __future__ import annotations

import socket
import threading
from collections import Counter
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

Route = tuple[int, dict[str, str], bytes] | Callable[[str], tuple[int, dict[str, str], bytes]]


class _Server(ThreadingHTTPServer):
    # The default backlog (5) drops SYNs when the crawler opens many connections at once,
    # and each drop costs a 1 s retransmit.
    request_queue_size = 1024

    def handle_error(self, request, client_address) -> None:
        pass  # a killed client resets its connections: not worth a traceback


class SiteServer:
    """``routes[(host, path)]``; ``fallback(host, path)`` answers the paths without a route
    (None: 404); with ``tls_cert`` (a PEM with the key) the server speaks HTTPS."""

    def __init__(self, tls_cert: str | None = None) -> None:
        self.routes: dict[tuple[str, str], Route] = {}
        self.fallback: Callable[[str, str], Route | None] | None = None
        self.hits: Counter[tuple[str, str, str]] = Counter()
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # One write per response and no Nagle: otherwise each keep-alive response waits
            # for the client's delayed ACK (~40 ms) and the server, not the crawler, is timed.
            wbufsize = 1 << 16
            disable_nagle_algorithm = True

            def _serve(self, send_body: bool) -> None:
                host = (self.headers.get("Host") or "").split(":")[0].lower()
                path = self.path.split("#")[0]
                with server._lock:
                    server.hits[(self.command, host, path)] += 1
                route = server.routes.get((host, path))
                if route is None and server.fallback is not None:
                    route = server.fallback(host, path)
                if route is None:
                    status, headers, body = 404, {"Content-Type": "text/html; charset=utf-8"}, \
                        b"<html><head><title>404 Not Found</title></head><body>404</body></html>"
                elif callable(route):
                    status, headers, body = route(self.command)
                else:
                    status, headers, body = route
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if send_body:
                    self.wfile.write(body)

            def do_GET(self) -> None:  # noqa: N802
                self._serve(True)

            def do_HEAD(self) -> None:  # noqa: N802
                self._serve(False)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = _Server(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        if tls_cert is not None:
            import ssl

            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(tls_cert)
            self.httpd.socket = ctx.wrap_socket(self.httpd.socket, server_side=True)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def html(self, host: str, path: str, body: str, status: int = 200,
             charset: str = "utf-8", encoding: str = "utf-8") -> None:
        self.routes[(host, path)] = (status, {"Content-Type": f"text/html; charset={charset}"},
                                     body.encode(encoding))

    def redirect(self, host: str, path: str, location: str, status: int = 302) -> None:
        self.routes[(host, path)] = (status, {"Location": location}, b"")

    def raw(self, host: str, path: str, status: int, ctype: str, body: bytes) -> None:
        self.routes[(host, path)] = (status, {"Content-Type": ctype}, body)

    def url(self, host: str, path: str = "/") -> str:
        return f"http://{host}:{self.port}{path}"

    def requested(self, host: str, path: str) -> int:
        return sum(n for (_, h, p), n in self.hits.items() if h == host and p == path)


def closed_port() -> int:
    """A port on 127.0.0.1 with nobody listening (connections are refused)."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port
