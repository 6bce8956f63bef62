"""One availability visit against a local server: outcome classes, timeout, redirects and the
closed-world resolver."""

from __future__ import annotations

import socket

import pytest
from probe_test_server import ProbeServer

from govinspect.collect.probe import visit
from govinspect.core.probes import ProbeOutcome

A, B = "www.a.gov.cn", "www.b.gov.cn"
MAP = {A: "127.0.0.2", B: "127.0.0.3"}


@pytest.fixture
def server():
    s = ProbeServer(hang_s=1.5)
    yield s
    s.close()


def url(server, host=A, path="/"):
    return f"http://{host}:{server.port}{path}"


def test_a_homepage_that_answers_is_ok_and_the_host_header_is_kept(server):
    v = visit(url(server), timeout_s=2, resolve=MAP, allow_private=True)
    assert (v.outcome, v.status) == (ProbeOutcome.OK, 200)
    assert 0 <= v.latency_ms < 2000
    assert server.counts == {A: 1}


def test_an_error_status_fails_as_http_error(server):
    server.behaviours[A] = lambda n: "503"
    v = visit(url(server), timeout_s=2, resolve=MAP, allow_private=True)
    assert (v.outcome, v.status) == (ProbeOutcome.HTTP_ERROR, 503)


@pytest.mark.parametrize("action", ["hang", "slowbody"])
def test_a_page_that_does_not_arrive_within_the_limit_times_out(server, action):
    server.behaviours[A] = lambda n: action
    v = visit(url(server), timeout_s=0.3, resolve=MAP, allow_private=True)
    assert v.outcome == ProbeOutcome.TIMEOUT
    assert 250 <= v.latency_ms < 1200  # the limit is total, not per socket read


def test_redirects_are_followed_across_mapped_hosts_and_loops_fail(server):
    server.behaviours[A] = lambda n: f"redirect:http://{B}:{server.port}/index.html"
    v = visit(url(server), timeout_s=2, resolve=MAP, allow_private=True)
    assert v.outcome == ProbeOutcome.OK and v.url.endswith("/index.html")
    assert server.counts == {A: 1, B: 1}
    server.behaviours[B] = lambda n: f"redirect:http://{A}:{server.port}/"
    loop = visit(url(server), timeout_s=2, resolve=MAP, allow_private=True)
    assert loop.outcome == ProbeOutcome.OTHER and "loop" in loop.error


def test_unmapped_hosts_fail_as_dns_without_a_real_query(server, monkeypatch):
    def no_dns(*args, **kwargs):
        raise AssertionError("real DNS queried")

    monkeypatch.setattr(socket, "getaddrinfo", no_dns)
    v = visit(f"http://www.unknown.gov.cn:{server.port}/", timeout_s=2, resolve=MAP,
              allow_private=True)
    assert v.outcome == ProbeOutcome.DNS
    assert server.counts == {}


def test_private_addresses_are_refused_by_policy_unless_allowed(server):
    v = visit(url(server), timeout_s=2, resolve=MAP)
    assert v.outcome == ProbeOutcome.POLICY and not v.outcome.counted
    assert server.counts == {}


def test_a_closed_port_is_refused_and_plain_http_on_https_is_a_tls_error(server):
    with socket.socket() as s:  # a port that nothing listens on
        s.bind(("127.0.0.2", 0))
        free = s.getsockname()[1]
    v = visit(f"http://{A}:{free}/", timeout_s=2, resolve=MAP, allow_private=True)
    assert v.outcome == ProbeOutcome.REFUSED
    tls = visit(f"https://{A}:{server.port}/", timeout_s=2, resolve=MAP, allow_private=True)
    assert tls.outcome == ProbeOutcome.TLS
