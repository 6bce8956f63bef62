"""Local receivers for the alert tests: a 企业微信/钉钉-style robot webhook (HTTP on 127.0.0.1,
port 0) and an SMTP server (aiosmtpd on 127.0.0.1, port 0). Nothing leaves the machine."""

from __future__ import annotations

import asyncio
import json
import threading
from email import message_from_bytes, policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


class RobotReceiver:
    """Records every POST; answers {"errcode": 0} unless told to fail the next requests
    (``fail`` items: an HTTP status, or "errcode" for a 200 with an error code)."""

    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.fail: list = []
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                parts = urlsplit(self.path)
                with receiver.lock:
                    failure = receiver.fail.pop(0) if receiver.fail else None
                    receiver.requests.append({
                        "path": parts.path, "query": parse_qs(parts.query),
                        "json": json.loads(body.decode("utf-8")), "failed": failure})
                if isinstance(failure, int):
                    self.send_response(failure)
                    self.end_headers()
                    return
                answer = {"errcode": 310000, "errmsg": "sign not match"} if failure else \
                    {"errcode": 0, "errmsg": "ok"}
                data = json.dumps(answer).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}{path}"

    @property
    def delivered(self) -> list[str]:
        """Texts of the messages the robot accepted."""
        return [r["json"]["text"]["content"] for r in self.requests if not r["failed"]]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class SmtpReceiver:
    """aiosmtpd on its own event loop thread, bound to 127.0.0.1 port 0."""

    def __init__(self) -> None:
        from aiosmtpd.smtp import SMTP

        self.messages = []
        receiver = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):  # noqa: N802
                receiver.messages.append(message_from_bytes(envelope.content,
                                                            policy=policy.default))
                return "250 OK"

        self.loop = asyncio.new_event_loop()
        ready = threading.Event()

        def serve():
            asyncio.set_event_loop(self.loop)
            self.server = self.loop.run_until_complete(self.loop.create_server(
                lambda: SMTP(Handler(), hostname="localhost"), "127.0.0.1", 0))
            ready.set()
            self.loop.run_forever()

        self.thread = threading.Thread(target=serve, daemon=True)
        self.thread.start()
        assert ready.wait(30), "SMTP receiver did not start"
        self.port = self.server.sockets[0].getsockname()[1]

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.server.close)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(30)
