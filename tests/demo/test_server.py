"""The demo network served over real sockets, routed by Host header."""

from __future__ import annotations

import http.client

import pytest

from govinspect.demo.network import build_network
from govinspect.demo.server import choose_port, serve_network


def _get(ip: str, port: int, host: str, path: str, method: str = "GET"):
    conn = http.client.HTTPConnection(ip, port, timeout=10)
    try:
        conn.request(method, path, headers={"Host": host})
        r = conn.getresponse()
        return r.status, dict(r.getheaders()), r.read()
    finally:
        conn.close()


@pytest.fixture(scope="module")
def served():
    port = choose_port()
    net = build_network(seed=11, sites=5, scale=0.2, port=port, faults=True)
    with serve_network(net) as server:
        yield net, server


def test_pages_are_served_by_host_header(served):
    net, server = served
    for site in net.sites:
        ip = server.resolve[site.host]
        status, headers, body = _get(ip, server.port, site.host, "/")
        if status == 503:  # the flaky homepage; the next request succeeds
            status, headers, body = _get(ip, server.port, site.host, "/")
        assert status == 200
        assert body == net.lookup(site.host, "/").body
        assert site.name.encode(site.encoding) in body


def test_gbk_page_and_its_declared_charset(served):
    net, server = served
    site = next(s for s in net.sites if s.encoding == "gbk")
    path = next(p for (h, p), pg in net.pages.items()
                if h == site.host and p.endswith(".html") and "/zwgk/zcwj/" in p
                and pg.status == 200)
    status, headers, body = _get(server.resolve[site.host], server.port, site.host, path)
    assert status == 200
    text = body.decode("gbk")
    assert "索引号" in text
    assert headers["Content-Type"] == net.lookup(site.host, path).content_type


def test_planted_failures_over_http(served):
    net, server = served
    m = net.manifest
    loop = m.select(kind="dead_link_redirect_loop")[0]
    site = net.site_by_code(loop["site"])
    path = loop["url"].split(str(server.port), 1)[-1] if server.port != 80 else \
        "/" + loop["url"].split("/", 3)[3]
    status, headers, _ = _get(server.resolve[site.host], server.port, site.host, path)
    assert status == 302 and headers["Location"] != loop["url"]
    status, _, _ = _get(server.resolve[site.host], server.port, site.host, "/no/such/page.html")
    assert status == 404
    assert "www.shishihbj.gov.cn" not in server.resolve


def test_flaky_homepage_fails_sometimes_never_twice(served):
    net, server = served
    e = net.manifest.select(kind="availability_flaky")[0]
    site = net.site_by_code(e["site"])
    statuses = [_get(server.resolve[site.host], server.port, site.host, "/", "HEAD")[0]
                for _ in range(12)]
    assert 503 in statuses and 200 in statuses
    assert all(not (a == b == 503) for a, b in zip(statuses, statuses[1:], strict=False))
    # other pages of the flaky site never fail
    assert all(_get(server.resolve[site.host], server.port, site.host, "/zwgk/")[0] == 200
               for _ in range(4))


def test_trap_calendar_served(served):
    net, server = served
    e = net.manifest.select(kind="crawler_trap")[0]
    site = net.site_by_code(e["site"])
    status, _, body = _get(server.resolve[site.host], server.port, site.host,
                           "/hdjl/hdrl/?date=2031-12")
    assert status == 200 and b"?date=2032-01" in body


def test_search_form_posted_and_got(served):
    """The search endpoint answers a POSTed form like the same GET (大汉 jsearch posts)."""
    from urllib.parse import urlencode, urlsplit

    from govinspect.collect.search import find_search_form

    net, server = served
    trap = net.manifest.select(kind="crawler_trap")[0]["site"]
    planted = {e["site"] for e in net.manifest.select(indicator="W-D25")}
    site = next(s for s in net.sites if s.code not in planted and s.code != trap)
    form = find_search_form(net.lookup(site.host, "/").text(), site.homepage)
    word = site.name[-3:]
    data = urlencode({form.field: word}, encoding=site.encoding)
    path = urlsplit(form.action).path
    ip = server.resolve[site.host]
    conn = http.client.HTTPConnection(ip, server.port, timeout=10)
    try:
        conn.request("POST", path, body=data, headers={
            "Host": site.host, "Content-Type": "application/x-www-form-urlencoded"})
        r = conn.getresponse()
        posted = r.status, r.read()
    finally:
        conn.close()
    status, _headers, got = _get(ip, server.port, site.host, f"{path}?{data}")
    assert posted == (200, got) and status == 200
    assert f"与“{word}”相关".encode(site.encoding) in got
    # the trap site keeps its calendar and gets a search beside it
    trap_site = net.site_by_code(trap)
    if trap not in planted:
        form = find_search_form(net.lookup(trap_site.host, "/").text(), trap_site.homepage)
        assert net.get(form.action + "?" + urlencode({form.field: "x"})).status == 200
