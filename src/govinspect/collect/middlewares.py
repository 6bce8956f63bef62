"""Scrapy components of the collector, wired by settings in ``crawl.build_settings``.

Downloader middleware order (process_response runs from the highest number down):
950 ``WarcMiddleware`` sees every hop raw (before decompression and redirects) and writes it;
650 ``RedirectCycleMiddleware`` stops a redirect chain that returns to a URL it visited;
600 ``ScopedRedirectMiddleware`` (Scrapy's, keeping archived requests inside the roster);
590 ``CappedCompressionMiddleware`` (Scrapy's decompression, cut at the role's cap instead of
failing); 580 ``ScopedMetaRefreshMiddleware``; 550 ``BackoffRetryMiddleware`` (Scrapy's, with
backoff and Retry-After)."""

from __future__ import annotations

import asyncio
import logging
import time
from http import HTTPStatus
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

from scrapy import signals
from scrapy.core.downloader import Downloader, Slot
from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler
from scrapy.downloadermiddlewares.httpcompression import HttpCompressionMiddleware
from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware, RedirectMiddleware
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import StopDownload
from scrapy.utils.asyncio import call_later
from scrapy.utils.defer import _schedule_coro
from w3lib.url import safe_url_string

from govinspect.collect.classify import parse_retry_after
from govinspect.collect.decompress import decode_capped
from govinspect.collect.errors import RedirectLoop
from govinspect.collect.ledger import host_of, url_key
from govinspect.collect.warc import RotatingWarcWriter, now_utc

log = logging.getLogger(__name__)

# "page" (crawled, archived), "attachment" (archived), "check" (status only) or "offsite"
# (a page or attachment redirected outside the roster: followed as a status check only)
ROLE = "gi_role"
OFFSITE = "gi_offsite"  # meta: the first URL outside the roster of an offsite chain
STATUS_ONLY = ("check", "offsite")
DECODED_CUT = "decoded_cut"  # response flag: decompression stopped at the cap


def _text_headers(headers: Any) -> list[tuple[str, str]]:
    out = []
    for name, values in headers.items():
        n = name.decode("latin-1")
        for v in values:
            out.append((n, v.decode("latin-1")))
    return out


class WarcMiddleware:
    """Archive every response of a page request (redirect hops and retries included) with
    its request. The final response's WARC reference lands in ``request.meta['gi_warc']``."""

    def __init__(self, out_dir: Path, max_bytes: int, software: str):
        self.writer = RotatingWarcWriter(out_dir / "warc", max_bytes, software)

    @classmethod
    def from_crawler(cls, crawler: Any) -> WarcMiddleware:
        s = crawler.settings
        mw = cls(Path(s.get("GOVINSPECT_OUT_DIR")), s.getint("GOVINSPECT_WARC_MAX_BYTES"),
                 s.get("USER_AGENT"))
        crawler.signals.connect(mw.spider_closed, signal=signals.spider_closed)
        crawler.govinspect_warc = mw.writer
        crawler.govinspect_sync = [*getattr(crawler, "govinspect_sync", []), mw.writer.sync]
        return mw

    def process_response(self, request: Any, response: Any) -> Any:
        if request.meta.get(ROLE) not in ("page", "attachment"):
            return response
        fetched = now_utc()
        req_headers = [("Host", urlsplit(request.url).netloc)] + _text_headers(request.headers)
        resp_headers = [(k, v) for k, v in _text_headers(response.headers)
                        # The body is stored de-chunked; keeping the header would mislead readers.
                        if k.lower() != "transfer-encoding"]
        try:
            reason = HTTPStatus(response.status).phrase
        except ValueError:
            reason = ""
        ip = str(response.ip_address) if response.ip_address is not None else None
        truncated = "length" if "download_stopped" in response.flags else \
            "disconnect" if "dataloss" in response.flags else None
        name, offset, digest = self.writer.write_exchange(
            response.url, request.method, req_headers, response.status, reason, resp_headers,
            response.body, ip, fetched, truncated)
        request.meta["gi_warc"] = (name, offset, digest, fetched.isoformat())
        return response

    def spider_closed(self) -> None:
        self.writer.close()


class RedirectCycleMiddleware:
    """Scrapy only notices a redirect loop after REDIRECT_MAX_TIMES hops; a chain that comes
    back to a URL it already visited is a loop at once."""

    def process_response(self, request: Any, response: Any) -> Any:
        if not 300 <= response.status < 400 or b"Location" not in response.headers:
            return response
        if request.meta.get("dont_redirect"):
            return response
        target = urljoin(request.url, safe_url_string(response.headers[b"Location"]))
        visited = {url_key(u) for u in request.meta.get("redirect_urls", [])}
        visited.add(url_key(request.url))
        if url_key(target) in visited:
            raise RedirectLoop(f"redirect loop: {request.url} → {target}")
        return response


class BackoffRetryMiddleware(RetryMiddleware):
    """Scrapy's retries, spaced out: ``GOVINSPECT_RETRY_BACKOFF`` × 2^n seconds, or the
    server's Retry-After on 429/503 when it is short enough."""

    def __init__(self, settings: Any):
        super().__init__(settings)
        self.backoff = settings.getfloat("GOVINSPECT_RETRY_BACKOFF")
        self.retry_after_max = settings.getfloat("GOVINSPECT_RETRY_AFTER_MAX")

    def _delay(self, request: Any, response: Any = None) -> float:
        n = request.meta.get("retry_times", 0)
        delay = self.backoff * (2 ** n)
        if response is not None and response.status in (429, 503):
            raw = response.headers.get(b"Retry-After")
            after = parse_retry_after(raw.decode("latin-1") if raw else None, time.time())
            if after is not None and 0 <= after <= self.retry_after_max:
                delay = max(delay, after)
        return delay

    async def process_response(self, request: Any, response: Any) -> Any:
        if request.meta.get("dont_retry", False) or response.status not in self.retry_http_codes:
            return response
        retry = self._retry(request, f"HTTP {response.status}")
        if retry is None:
            return response
        await asyncio.sleep(self._delay(request, response))
        return retry

    async def process_exception(self, request: Any,  # type: ignore[override]
                                exception: Exception) -> Any:
        if request.meta.get("dont_retry", False) or not isinstance(
                exception, tuple(self.exceptions_to_retry)):
            return None
        retry = self._retry(request, exception)
        if retry is not None:
            await asyncio.sleep(self._delay(request))
        return retry


class CheckBodyCap:
    """Extension: no response body grows past its role's cap; the response then arrives
    normally, flagged ``download_stopped`` (the capture says ``truncated``). A link check
    (``check``, ``offsite``) never downloads a big body: non-HTML answers stop after the
    headers, HTML after ``GOVINSPECT_CHECK_BODY_BYTES`` (enough for soft-404 and WAF challenge
    pages); an archived attachment stops at ``GOVINSPECT_ATTACHMENT_BYTES``, a page at
    ``DOWNLOAD_MAXSIZE``'s twin ``GOVINSPECT_PAGE_BYTES`` (kept, not failed, as a browser
    would show it)."""

    def __init__(self, cap: int, attachment_cap: int = 0, page_cap: int = 0):
        self.cap = cap
        self.attachment_cap = attachment_cap
        self.page_cap = page_cap

    @classmethod
    def from_crawler(cls, crawler: Any) -> CheckBodyCap:
        s = crawler.settings
        ext = cls(s.getint("GOVINSPECT_CHECK_BODY_BYTES"), s.getint("GOVINSPECT_ATTACHMENT_BYTES"),
                  s.getint("GOVINSPECT_PAGE_BYTES"))
        crawler.signals.connect(ext.headers_received, signal=signals.headers_received)
        crawler.signals.connect(ext.bytes_received, signal=signals.bytes_received)
        return ext

    def headers_received(self, headers: Any, body_length: int, request: Any,
                         **kwargs: Any) -> None:
        if request.meta.get(ROLE) not in STATUS_ONLY or request.method == "HEAD":
            return  # HEAD has no body; stopping it would only cost the kept-alive connection
        ctype = (headers.get(b"Content-Type") or b"").lower()
        if b"html" not in ctype and b"text/plain" not in ctype:
            raise StopDownload(fail=False)

    def bytes_received(self, data: bytes, request: Any, **kwargs: Any) -> None:
        role = request.meta.get(ROLE)
        if role in STATUS_ONLY:
            cap = self.cap
        elif role == "attachment":
            cap = self.attachment_cap  # archived up to the cap, then flagged truncated
        elif role == "page":
            cap = self.page_cap
        else:
            return
        if not cap:
            return
        got = request.meta.get("gi_bytes", 0) + len(data)
        request.meta["gi_bytes"] = got
        if got >= cap:
            raise StopDownload(fail=False)


def role_cap(settings: Any, role: str | None) -> int:
    """Bytes a decoded body of this role may have (decompression stops there)."""
    if role in STATUS_ONLY:
        # A capped link-check body, decoded: enough for the soft-404 and challenge tests.
        return 4 * settings.getint("GOVINSPECT_CHECK_BODY_BYTES")
    if role == "attachment":
        return settings.getint("GOVINSPECT_ATTACHMENT_BYTES")
    if role == "page":
        return settings.getint("GOVINSPECT_PAGE_BYTES")
    return settings.getint("DOWNLOAD_MAXSIZE")  # robots.txt and anything else


class CappedCompressionMiddleware(HttpCompressionMiddleware):
    """Scrapy's decompression (gzip, deflate, br, zstd), stopped at the request role's cap:
    the part decoded so far is kept and the response flagged ``decoded_cut`` (Scrapy drops
    the whole response). A gzip bomb costs at most the cap in memory."""

    @classmethod
    def from_crawler(cls, crawler: Any) -> CappedCompressionMiddleware:
        mw = super().from_crawler(crawler)
        mw._settings = crawler.settings
        return mw

    def process_response(self, request: Any, response: Any, spider: Any = None) -> Any:
        if request.method == "HEAD" or not response.headers.getlist("Content-Encoding"):
            return response
        cap = role_cap(self._settings, request.meta.get(ROLE))
        encodings = response.headers.getlist("Content-Encoding")
        to_decode, to_keep = self._split_encodings(encodings)
        body, cut = response.body, False
        try:
            for encoding in to_decode:
                body, was_cut = decode_capped(body, encoding.decode("latin-1"), cap)
                cut = cut or was_cut
        except ValueError:
            return response  # not what it says it is: kept as sent, as Scrapy does
        from scrapy.http import TextResponse
        from scrapy.responsetypes import responsetypes

        headers = response.headers.copy()
        if to_keep:
            headers[b"Content-Encoding"] = b", ".join(to_keep)
        else:
            del headers[b"Content-Encoding"]
        respcls = responsetypes.from_args(headers=headers, url=response.url, body=body)
        kwargs: dict[str, Any] = {"body": body, "headers": headers}
        if issubclass(respcls, TextResponse):
            kwargs["encoding"] = None
        if cut:
            kwargs["flags"] = [*response.flags, DECODED_CUT]
        return response.replace(cls=respcls, **kwargs)


class _Scoped:
    """Redirects of archived requests (pages, attachments) stay inside the roster: a hop to a
    host outside it turns the rest of the chain into a status check (``offsite``: not
    archived, body capped) and the spider records the target as a fault, not a capture."""

    scope: frozenset[str] = frozenset()

    def _redirect(self, redirected: Any, request: Any, reason: Any) -> Any:
        if request.meta.get(ROLE) in ("page", "attachment") and \
                host_of(redirected.url) not in self.scope:
            redirected.meta[ROLE] = "offsite"
            redirected.meta[OFFSITE] = redirected.url
        return super()._redirect(redirected, request, reason)  # type: ignore[misc]

    @classmethod
    def from_crawler(cls, crawler: Any) -> Any:
        mw = super().from_crawler(crawler)  # type: ignore[misc]
        mw.scope = frozenset(h.lower() for h in crawler.settings.getlist("GOVINSPECT_SCOPE"))
        return mw

    def handle_referer(self, request: Any, response: Any) -> None:
        # The Referer a browser sends on a redirect: the page that linked (kept), never on an
        # https → http step. Scrapy's would warn once per run that no RefererMiddleware runs.
        referer = request.headers.get(b"Referer")
        if referer and referer.startswith(b"https:") and request.url.startswith("http:"):
            request.headers.pop(b"Referer", None)

    def _engine_started(self) -> None:
        pass


class ScopedRedirectMiddleware(_Scoped, RedirectMiddleware):
    pass


class ScopedMetaRefreshMiddleware(_Scoped, MetaRefreshMiddleware):
    pass


class PooledHTTP11DownloadHandler(HTTP11DownloadHandler):
    """Scrapy's HTTP/1.1 handler with room for spare idle connections per host.

    Scrapy caps the idle kept-alive connections per host at the per-host concurrency. A
    finished response is handed to the engine before its connection is back in the pool, so
    the next request to that host often opens a new connection, and the returning one is then
    closed for want of room: on a busy host most requests paid a TCP handshake (and the
    server a new worker). Spare room keeps them; concurrency is still the per-host limit."""

    def __init__(self, crawler: Any):
        super().__init__(crawler)
        self._pool.maxPersistentPerHost = 2 * max(
            1, crawler.settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN")) + 2


class PoliteDownloader(Downloader):
    """Scrapy's downloader with its per-host limit enforced under the asyncio reactor.

    Scrapy 2.19 moves queued requests of a slot into downloads while ``free_transfer_slots()``
    is positive, but a download is only counted as transferring once its task starts, on a
    later loop turn: the loop empties the whole queue. With the default total concurrency (64)
    one host got up to ~26 requests at once at a per-host limit of 2 (and a new connection
    for most). Counting the request as it leaves the queue keeps the limit."""

    def _process_queue(self, slot: Slot) -> None:
        if slot.latercall:
            return
        now = time.monotonic()
        delay = slot.download_delay()
        if delay:
            penalty = delay - now + slot.lastseen
            if penalty > 0:
                slot.latercall = call_later(penalty, self._latercall, slot)
                return
        while slot.queue and slot.free_transfer_slots() > 0:
            slot.lastseen = now
            request, queue_dfd = slot.queue.popleft()
            slot.transferring.add(request)  # _download adds it again and removes it at the end
            _schedule_coro(self._wait_for_download(slot, request, queue_dfd))
            if delay:
                self._process_queue(slot)
                break
