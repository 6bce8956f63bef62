"""Live fetching for the new-media adapters: thin, polite, optional. Tests never call the
internet; they drive this against a server on 127.0.0.1 they start themselves.

Politeness: one request at a time, at least ``min_interval`` seconds between two requests to
the same host (default 5 s), a declared User-Agent, size and time caps, 429/503 answered by
waiting ``Retry-After`` (capped) and trying once more. Credentials (a Weibo login cookie, a
feed bridge token) come only from configuration — environment variables
``GOVINSPECT_WEIBO_COOKIE`` / ``GOVINSPECT_FEED_TOKEN`` — never from code or arguments in logs.
"""

from __future__ import annotations

import datetime as dt
import os
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from urllib.parse import urlsplit

from govinspect.collect.newmedia.feeds import parse_feed
from govinspect.collect.newmedia.wechat import parse_wechat_article
from govinspect.collect.newmedia.weibo import parse_weibo_json
from govinspect.core.newmedia import Post

MAX_RETRY_AFTER = 60.0
# HTTP headers are Latin-1: the crawler's User-Agent carries Chinese words, this one cannot.
DEFAULT_USER_AGENT = "govinspect/0.1 (+government new-media inspection; contact configured per installation)"


class FetchError(RuntimeError):
    """A fetch failed; the message (zh-hans) names the address."""


def credential(name: str) -> str:
    """A credential from the environment (``GOVINSPECT_<NAME>``), empty when not configured."""
    return os.environ.get(f"GOVINSPECT_{name.upper()}", "")


class PoliteClient:
    def __init__(self, *, min_interval: float = 5.0, timeout: float = 15.0,
                 max_bytes: int = 5_000_000, user_agent: str = DEFAULT_USER_AGENT,
                 clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.min_interval = min_interval
        self.timeout = timeout
        self.max_bytes = max_bytes
        # Non-Latin-1 text in a header makes http.client fail; keep what can be sent.
        self.user_agent = user_agent.encode("latin-1", "ignore").decode("latin-1").strip()
        self._clock, self._sleep = clock, sleep
        self._last: dict[str, float] = {}

    def _wait_for(self, host: str) -> None:
        last = self._last.get(host)
        if last is not None:
            delay = self.min_interval - (self._clock() - last)
            if delay > 0:
                self._sleep(delay)
        self._last[host] = self._clock()

    def get(self, url: str, *, headers: dict[str, str] | None = None) -> bytes:
        host = (urlsplit(url).hostname or "").lower()
        if not host:
            raise FetchError(f"{url}：不是有效网址")
        for attempt in (1, 2):
            self._wait_for(host)
            request = urllib.request.Request(
                url, headers={"User-Agent": self.user_agent, **(headers or {})})
            try:
                with urllib.request.urlopen(request, timeout=self.timeout) as response:
                    data = response.read(self.max_bytes + 1)
            except urllib.error.HTTPError as exc:
                if exc.code in (429, 503) and attempt == 1:
                    retry = exc.headers.get("Retry-After", "")
                    wait = float(retry) if retry.isdigit() else self.min_interval
                    self._sleep(min(wait, MAX_RETRY_AFTER))
                    continue
                raise FetchError(f"{url}：服务器返回 {exc.code}") from None
            except (urllib.error.URLError, TimeoutError, OSError) as exc:
                raise FetchError(f"{url}：无法访问（{getattr(exc, 'reason', exc)}）") from None
            if len(data) > self.max_bytes:
                raise FetchError(f"{url}：内容超过 {self.max_bytes} 字节上限")
            return data
        raise FetchError(f"{url}：服务器繁忙，重试后仍失败")  # pragma: no cover - loop returns


def fetch_weibo_timeline(uid: str, client: PoliteClient, *,
                         base: str = "https://m.weibo.cn") -> list[Post]:
    """The first page of an account's timeline from the mobile JSON. Needs no login for most
    public accounts; a cookie, when configured, is sent as is."""
    url = f"{base}/api/container/getIndex?type=uid&value={uid}&containerid=107603{uid}"
    headers = {"Accept": "application/json", "X-Requested-With": "XMLHttpRequest"}
    if cookie := credential("weibo_cookie"):
        headers["Cookie"] = cookie
    captured = dt.datetime.now(dt.UTC)
    return parse_weibo_json(client.get(url, headers=headers), captured)


def fetch_feed(url: str, client: PoliteClient, **kwargs) -> list[Post]:
    headers = {}
    if token := credential("feed_token"):
        headers["Authorization"] = f"Bearer {token}"
    return parse_feed(client.get(url, headers=headers), dt.datetime.now(dt.UTC), **kwargs)


def fetch_wechat_article(url: str, client: PoliteClient) -> Post:
    return parse_wechat_article(client.get(url), url=url)
