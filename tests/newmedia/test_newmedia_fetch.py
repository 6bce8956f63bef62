"""The thin live fetchers, against a server on 127.0.0.1 started here (no internet)."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from govinspect.collect.newmedia.fetch import (
    FetchError,
    PoliteClient,
    fetch_feed,
    fetch_weibo_timeline,
)

FIXTURES = Path(__file__).parent / "fixtures"


class Handler(BaseHTTPRequestHandler):
    hits: list[tuple[str, dict]] = []
    busy_once = True

    def do_GET(self):  # noqa: N802 - http.server API
        type(self).hits.append((self.path, dict(self.headers)))
        if self.path.startswith("/api/container/getIndex"):
            if type(self).busy_once:
                type(self).busy_once = False
                self.send_response(429)
                self.send_header("Retry-After", "2")
                self.end_headers()
                return
            body = (FIXTURES / "weibo_getindex_absolute.json").read_bytes()
        elif self.path == "/feed.xml":
            body = (FIXTURES / "wechat_rsshub.xml").read_bytes()
        else:
            self.send_response(404)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture()
def server():
    Handler.hits, Handler.busy_once = [], True
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


class FakeClock:
    def __init__(self):
        self.now, self.slept = 0.0, []

    def clock(self):
        return self.now

    def sleep(self, seconds):
        self.slept.append(seconds)
        self.now += seconds


def test_weibo_fetch_waits_between_requests_and_honours_retry_after(server, monkeypatch):
    monkeypatch.setenv("GOVINSPECT_WEIBO_COOKIE", "SUB=test-cookie")
    fake = FakeClock()
    client = PoliteClient(min_interval=5, clock=fake.clock, sleep=fake.sleep)
    posts = fetch_weibo_timeline("5521234567", client, base=server)
    assert [p.account_name for p in posts][:1] == ["滁州治安在线"] and len(posts) == 4
    # 429 with Retry-After: 2 → waited 2 s, then the per-host interval (5 s) before the retry.
    assert fake.slept[0] == 2 and fake.slept[1] == pytest.approx(3)
    path, headers = Handler.hits[-1]
    assert "containerid=1076035521234567" in path
    assert headers["Cookie"] == "SUB=test-cookie" and headers["User-Agent"].startswith("govinspect")
    fetch_feed(f"{server}/feed.xml", client)
    assert fake.slept[-1] == pytest.approx(5)  # same host again: the full interval


def test_fetch_errors_are_chinese(server):
    client = PoliteClient(min_interval=0)
    with pytest.raises(FetchError, match="服务器返回 404"):
        fetch_feed(f"{server}/missing", client)
    with pytest.raises(FetchError, match="不是有效网址"):
        client.get("not a url")
