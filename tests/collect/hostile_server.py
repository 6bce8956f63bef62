"""A hostile web server for the collector's fault tests (127.0.0.1, port 0, routing by Host).

Every route is either a fixed answer or a coroutine that writes whatever it likes on the raw
connection: a slowloris homepage that drips its answer one byte at a time, a gzip bomb, a
10 MB compressed results page, a page of 1,000,000 links, whitespace-only HTML, malformed
IPv6 hrefs, redirects out of the roster and to file:///. asyncio: a dripping connection
costs nothing while it waits, and the server's own CPU stays out of the measurements.
"""

from __future__ import annotations

import asyncio
import gzip
import threading
import zlib
from collections import Counter
from collections.abc import Awaitable, Callable

Handler = Callable[[asyncio.StreamWriter, str, str], Awaitable[None]]


def answer(status: int, headers: dict[str, str], body: bytes, head: bool = False) -> bytes:
    reason = {200: "OK", 301: "Moved Permanently", 302: "Found", 404: "Not Found"}.get(
        status, "Status")
    lines = [f"HTTP/1.1 {status} {reason}", f"Content-Length: {len(body)}"]
    lines += [f"{k}: {v}" for k, v in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + (b"" if head else body)


def gzip_members(chunk: bytes, members: int) -> bytes:
    """``members`` copies of one gzip member of ``chunk``: a body that inflates to
    ``members × len(chunk)`` bytes from ``members`` × its compressed size (browsers and
    Scrapy read every member)."""
    return gzip.compress(chunk, 9) * members


def gzip_bomb(decompressed: int = 1 << 30) -> bytes:
    """About 1 MB of gzip that inflates to ``decompressed`` bytes of zeros."""
    block = 64 << 20
    return gzip_members(b"\0" * block, max(1, decompressed // block))


def deflate_raw(data: bytes) -> bytes:
    c = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    return c.compress(data) + c.flush()


class HostileServer:
    def __init__(self) -> None:
        self.routes: dict[tuple[str, str], bytes | Handler] = {}
        self.hits: Counter[tuple[str, str]] = Counter()
        self.open_drips = 0  # connections a dripping handler is still feeding
        self.loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()
        self._ready.wait(30)

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.server = self.loop.run_until_complete(
            asyncio.start_server(self._client, "127.0.0.1", 0, limit=1 << 20))
        self.port = self.server.sockets[0].getsockname()[1]
        self._ready.set()
        self.loop.run_forever()

    def close(self) -> None:
        async def stop() -> None:
            self.server.close()
            for task in asyncio.all_tasks():
                if task is not asyncio.current_task():
                    task.cancel()

        asyncio.run_coroutine_threadsafe(stop(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)

    # --- routes -----------------------------------------------------------------------
    def url(self, host: str, path: str = "/") -> str:
        return f"http://{host}:{self.port}{path}"

    def html(self, host: str, path: str, body: str | bytes, status: int = 200,
             headers: dict[str, str] | None = None) -> None:
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.routes[(host, path)] = answer(
            status, {"Content-Type": "text/html; charset=utf-8", **(headers or {})}, data)

    def raw(self, host: str, path: str, status: int, headers: dict[str, str],
            body: bytes) -> None:
        self.routes[(host, path)] = answer(status, headers, body)

    def redirect(self, host: str, path: str, location: str, status: int = 302) -> None:
        self.routes[(host, path)] = answer(status, {"Location": location}, b"")

    def drip(self, host: str, path: str, every: float = 0.5) -> None:
        """Slowloris: the answer (status line and headers too) one byte per ``every``
        seconds, without end."""
        async def handler(writer: asyncio.StreamWriter, method: str, _path: str) -> None:
            data = answer(200, {"Content-Type": "text/html; charset=utf-8"},
                          b"<html><title>\xe9\xa6\x96\xe9\xa1\xb5</title>" + b"x" * 10**7)
            self.open_drips += 1
            try:
                for i in range(len(data)):
                    writer.write(data[i:i + 1])
                    await writer.drain()
                    await asyncio.sleep(every)
            finally:
                self.open_drips -= 1

        self.routes[(host, path)] = handler

    # --- protocol ---------------------------------------------------------------------
    async def _client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                lines = head.decode("latin-1").split("\r\n")
                method, target = lines[0].split(" ")[:2]
                fields = {k.strip().lower(): v.strip() for k, _, v in
                          (ln.partition(":") for ln in lines[1:] if ln)}
                length = int(fields.get("content-length") or 0)
                if length:
                    await reader.readexactly(length)
                host = fields.get("host", "").rsplit(":", 1)[0].lower()
                path = target.split("#", 1)[0]
                self.hits[(host, path)] += 1
                route = self.routes.get((host, path)) or \
                    self.routes.get((host, path.split("?", 1)[0]))
                if route is None:
                    writer.write(answer(404, {"Content-Type": "text/html"},
                                        b"<html><title>404</title></html>", method == "HEAD"))
                elif callable(route):
                    await route(writer, method, path)
                elif method == "HEAD":
                    writer.write(route.split(b"\r\n\r\n", 1)[0] + b"\r\n\r\n")
                else:
                    writer.write(route)
                await writer.drain()
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError,
                ValueError, asyncio.CancelledError):
            pass
        finally:
            writer.close()

    def requested(self, host: str, path: str | None = None) -> int:
        return sum(n for (h, p), n in self.hits.items()
                   if h == host and (path is None or p == path))
