"""A tiny HTTP server for the prober tests: one listener per 127.0.0.x address, behaviour
chosen per Host header, every request counted per host."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# Behaviour of the n-th request (1-based) to a host: ("ok"|"503"|"hang"|"redirect:URL", delay)
Behaviour = Callable[[int], str]

HOMEPAGE = "<html><head><title>某某市人民政府</title></head><body>首页</body></html>".encode()


def healthy(n: int) -> str:
    return "ok"


def flaky(n: int) -> str:
    """Every 10th request fails, alternately with 503 and with a hang past the timeout."""
    if n % 10:
        return "ok"
    return "503" if n % 20 else "hang"


class ProbeServer:
    def __init__(self, ips: tuple[str, ...] = ("127.0.0.2", "127.0.0.3"), hang_s: float = 2.0):
        self.behaviours: dict[str, Behaviour] = {}
        self.counts: Counter = Counter()
        self.hang_s = hang_s
        self._lock = threading.Lock()
        self._stop = threading.Event()
        first = ThreadingHTTPServer((ips[0], 0), self._handler())
        self.port = first.server_address[1]
        self.servers = [first] + [ThreadingHTTPServer((ip, self.port), self._handler())
                                  for ip in ips[1:]]
        for s in self.servers:
            s.daemon_threads = True
            threading.Thread(target=s.serve_forever, args=(0.05,), daemon=True).start()

    def close(self) -> None:
        self._stop.set()
        for s in self.servers:
            s.shutdown()
            s.server_close()

    def _handler(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802
                host = (self.headers.get("Host") or "").split(":")[0]
                with server._lock:
                    server.counts[host] += 1
                    n = server.counts[host]
                action = server.behaviours.get(host, healthy)(n)
                if action == "hang":
                    server._stop.wait(server.hang_s)
                    return
                if action.startswith("redirect:"):
                    self.send_response(302)
                    self.send_header("Location", action.partition(":")[2])
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                code = 503 if action == "503" else 200
                body = HOMEPAGE if code == 200 else "服务暂不可用".encode()
                self.send_response(code)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if action == "slowbody":  # headers at once, the page never completes in time
                    self.wfile.write(body[:20])
                    self.wfile.flush()
                    server._stop.wait(server.hang_s)
                    body = body[20:]
                self.wfile.write(body)

        return Handler
