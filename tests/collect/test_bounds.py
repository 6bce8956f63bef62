"""Bounded time and memory per request (issue 16): total-time deadlines for the probes' own
HTTP (the W-V2 visit, the transport probe, the site-search queries) against a slowloris
server, and the caps of the pure helpers (decompression, tags and links per page, malformed
and non-HTTP links). A hang fails by a generous bound, never by a wall-clock threshold."""

from __future__ import annotations

import gzip
import threading
import zlib

import pytest
from hostile_server import HostileServer, deflate_raw, gzip_bomb

from govinspect.collect.decompress import decode_capped
from govinspect.collect.html import parse_html
from govinspect.collect.options import CollectOptions
from govinspect.core.probes import ProbeOutcome

SLOW = "www.slow.gov.cn"
BOUND = 120.0  # generous: only a hang comes near it


def within(fn, bound: float = BOUND):
    """Run ``fn`` in a thread; its result, or a failure when it is still running at the bound
    (the deadline under test did not hold)."""
    box: dict = {}

    def run() -> None:
        try:
            box["value"] = fn()
        except BaseException as e:  # noqa: BLE001 - re-raised below in the test's thread
            box["error"] = e

    t = threading.Thread(target=run, daemon=True)
    t.start()
    t.join(bound)
    assert not t.is_alive(), "still running: no total-time limit"
    if "error" in box:
        raise box["error"]
    return box["value"]


@pytest.fixture(scope="module")
def slow():
    srv = HostileServer()
    srv.drip(SLOW, "/", every=0.2)
    srv.drip(SLOW, "/search", every=0.2)
    yield srv
    srv.close()


def test_the_availability_visit_ends_at_its_limit_on_a_slow_drip(slow):
    from govinspect.collect.probe import visit

    v = within(lambda: visit(slow.url(SLOW), timeout_s=1.0, resolve={SLOW: "127.0.0.1"},
                             allow_private=True))
    assert v.outcome is ProbeOutcome.TIMEOUT and "time limit" in v.error


def test_the_transport_probe_ends_each_step_at_its_limit(slow):
    from govinspect.collect.transport_probe import observe

    opts = CollectOptions(resolve={SLOW: "127.0.0.1"}, allow_private=True, timeout_s=1.0,
                          https_port=1)
    obs = within(lambda: observe(SLOW, "/", slow.port, opts))
    assert obs.http_status is None and "time limit" in obs.http_error


def test_a_search_query_ends_at_its_limit(slow):
    from govinspect.collect.search_probe import Client

    opts = CollectOptions(resolve={SLOW: "127.0.0.1"}, allow_private=True, timeout_s=1.0,
                          retry_times=1, retry_backoff_s=0.05)
    answer = within(lambda: Client(opts).fetch("GET", slow.url(SLOW, "/search?q=1"), None,
                                               slow.url(SLOW)))
    assert answer.status is None and answer.error.startswith("deadline")


# --- pure caps -----------------------------------------------------------------------------

def test_decoding_stops_at_the_cap_and_keeps_what_came():
    bomb = gzip_bomb(256 << 20)
    body, cut = decode_capped(bomb, "gzip", 1 << 20)
    assert (len(body), cut) == (1 << 20, True) and not body.strip(b"\0")
    assert decode_capped(gzip.compress(b"ab") * 3, "gzip", 0) == (b"ababab", False)
    assert decode_capped(zlib.compress(b"hello"), "deflate", 0) == (b"hello", False)
    assert decode_capped(deflate_raw(b"raw"), "deflate", 0) == (b"raw", False)
    head = gzip.compress(b"x" * 100_000)[:200]  # a cut download: what came is kept
    assert decode_capped(head, "gzip", 0)[0].startswith(b"x")
    with pytest.raises(ValueError):
        decode_capped(b"plain text", "gzip", 0)
    assert decode_capped(b"as is", "identity", 0) == (b"as is", False)


def test_a_page_keeps_at_most_its_links_and_tags():
    html = "<html><body>" + "".join(f'<a href="/p{i}.html">第{i}篇</a>' for i in range(5000))
    page = parse_html(html, "http://www.a.gov.cn/", max_links=1000)
    assert len(page.links) == 1000 and page.links_cut == 4000 and not page.tags_cut
    page = parse_html(html, "http://www.a.gov.cn/", max_tags=2002)
    assert page.tags_cut and len(page.links) == 1000  # html, body, 2 tags a link
    assert parse_html(html, "http://www.a.gov.cn/").links_cut == 0


def test_malformed_and_non_http_links_are_their_own_class():
    html = ('<div style="display:none"><a href="http://[fe80::1">x</a></div>'
            '<a href="http://[::1">y</a><a href="mailto:a@b.gov.cn">信箱</a>'
            '<a href="javascript:void(0)">js</a><a href="ftp://f.gov.cn/">ftp</a>'
            '<a href="file:///etc/passwd">f</a><a href="tel:12345">电话</a>'
            '<img src="data:image/png;base64,AAAA"><a href="#top">顶部</a>'
            '<a href="http://[fe80::1]/ok.html">v6</a><a href="/a.html">正常</a>'
            '<base href="http://[bad">')
    page = parse_html(html, "http://www.a.gov.cn/x/")
    assert [link.url for link in page.links] == ["http://[fe80::1]/ok.html",
                                                 "http://www.a.gov.cn/a.html"]
    others = {(o.cls, o.scheme, o.raw) for o in page.other_links}
    assert others == {("invalid", "", "http://[fe80::1"), ("invalid", "", "http://[::1"),
                      ("non_http", "mailto", "mailto:a@b.gov.cn"),
                      ("non_http", "javascript", "javascript:void(0)"),
                      ("non_http", "ftp", "ftp://f.gov.cn/"),
                      ("non_http", "file", "file:///etc/passwd"),
                      ("non_http", "tel", "tel:12345")}


@pytest.mark.parametrize("body", ["", " ", " \r\n\t " * 1000, "\0" * 1000, "<", "<!-- x -->",
                                  "<html>" * 100_000])
def test_degenerate_documents_parse_without_raising(body):
    page = parse_html(body, "http://www.a.gov.cn/", max_links=10, max_tags=1000)
    assert page.links == []
