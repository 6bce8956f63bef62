"""IPv6 in the demo network (issue 6, W-D29): AAAA records in ``net.resolve6``, an HTTP
listener on [::1]:port; the planted ``ipv6_missing`` / ``ipv6_broken`` sites are found by the
collector's transport probe and GI-X002, the healthy sites are clean; without an IPv6
loopback the demo serves on without IPv6 and says so."""

from __future__ import annotations

import errno
import http.client

import pytest

from govinspect.collect.options import CollectOptions
from govinspect.collect.transport_probe import probe_sites
from govinspect.core.indicator_sets import load_indicator_set
from govinspect.core.types import Confidence, SiteKind, SiteRef, TransportFacts
from govinspect.demo import server as demo_server
from govinspect.demo.kinds.ipv6 import IPV6_PLANTS
from govinspect.demo.model import CA_FILE, IPV6_LOOPBACK
from govinspect.demo.network import build_network
from govinspect.demo.server import choose_port, ipv6_loopback_available, serve_network
from govinspect.eval.demo import load_kinds, match
from govinspect.rules.transport import check_transport

SITES = 10
KINDS = ("ipv6_missing", "ipv6_broken")
needs_ipv6 = pytest.mark.skipif(not ipv6_loopback_available(), reason="no IPv6 loopback (::1)")


def _ref(site) -> SiteRef:
    return SiteRef(site.code, site.name, site.homepage, SiteKind(site.kind), tuple(site.hosts))


def _build(sites: int = SITES, **kw):
    return build_network(sites=sites, scale=0.1, port=8080, https_port=8443, faults=False, **kw)


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    if not ipv6_loopback_available():
        pytest.skip("no IPv6 loopback (::1)")
    port = choose_port(ipv6=True)
    https_port = choose_port(443, avoid=(port,))
    net = build_network(sites=SITES, scale=0.1, port=port, https_port=https_port, faults=False,
                        ipv6=True)
    folder = net.write(tmp_path_factory.mktemp("ipv6") / "network")
    with serve_network(net) as server:
        yield net, server, str(folder / CA_FILE)


def test_ipv6_plan_in_the_manifest():
    net = _build(ipv6=True)
    m = net.manifest
    planted = {k: [e["site"] for e in m.select(kind=k)] for k in KINDS}
    assert len(planted["ipv6_missing"]) == 2 and len(planted["ipv6_broken"]) == 1
    bad = set(planted["ipv6_missing"]) | set(planted["ipv6_broken"])
    assert len(bad) == 3 and net.sites[0].code not in bad  # distinct non-portal sites
    healthy = [e["site"] for e in m.select(kind="lookalike_ipv6_ok", negative=True)]
    assert sorted(healthy + sorted(bad)) == sorted(s.code for s in net.sites)
    for e in m.select(indicator="W-D29", negative=None):
        site = net.site_by_code(e["site"])
        assert e["url"] == site.homepage and e["scope"] == "site"
        mode = net.ipv6[site.host]
        assert e["kind"] == ("lookalike_ipv6_ok" if mode == "ok" else f"ipv6_{mode}")
        for host in site.hosts:  # AAAA for every host of the site, except the missing ones
            assert net.resolve6.get(host) == (None if mode == "missing" else IPV6_LOOPBACK)
            assert net.ipv6_of(host) == mode
    assert set(net.resolve6) <= set(net.resolve)  # external hosts: no AAAA, not probed
    # same arguments → same manifest; its own random stream: nothing else moves
    assert _build(ipv6=True).manifest_json() == net.manifest_json()
    plain = _build()
    assert plain.ipv6 == {} and plain.resolve6 == {}
    assert not plain.manifest.select(indicator="W-D29", negative=None)
    assert [e for e in m if e.get("indicator") != "W-D29"] == list(plain.manifest)
    assert net.pages == plain.pages


@pytest.mark.parametrize("sites", [2, 3, 5, 14, 53])
def test_ipv6_plants_fall_within_small_networks(sites):
    """A small network gets the first plants of IPV6_PLANTS (the eval's 14 sites get all)."""
    net = _build(sites=sites, ipv6=True)
    modes = [net.ipv6[s.host] for s in net.sites]
    want = min(len(IPV6_PLANTS), max(1, sites - 1))
    assert sorted(m for m in modes if m != "ok") == sorted(IPV6_PLANTS[:want])
    assert len(net.manifest.select(indicator="W-D29", negative=None)) == sites


def _raw_get(host: str, port: int) -> tuple[int, dict[str, str], bytes]:
    conn = http.client.HTTPConnection(IPV6_LOOPBACK, port, timeout=5)
    try:
        conn.request("GET", "/", headers={"Host": host})
        r = conn.getresponse()
        return r.status, dict(r.getheaders()), r.read()
    finally:
        conn.close()


@needs_ipv6
def test_served_over_ipv6_only_where_planned(served):
    net, server, _ = served
    assert server.resolve6 == net.resolve6 and server.ipv6_note is None
    for site in net.sites:
        mode = net.ipv6[site.host]
        if mode == "ok":  # the same answer as over IPv4: page, or the 301 to HTTPS
            status, headers, body = _raw_get(site.host, server.port)
            t = net.transport[site.host]
            if t.https and t.redirect:
                assert status == 301 and headers["Location"] == site.homepage
            else:
                assert status == 200 and body == net.lookup(site.host, "/").body
            continue
        # closed unanswered: RemoteDisconnected (a hang would end as a socket timeout)
        with pytest.raises(http.client.RemoteDisconnected):
            _raw_get(site.host, server.port)


@needs_ipv6
def test_transport_probe_finds_exactly_the_planted_ipv6_kinds(served):
    net, server, ca_file = served
    options = CollectOptions(resolve=dict(server.resolve), resolve6=dict(server.resolve6),
                             allow_private=True, timeout_s=5.0, http_port=server.port,
                             https_port=server.https_port, tls_ca_file=ca_file)
    rows = probe_sites([_ref(s) for s in net.sites], options)
    iset = load_indicator_set("national-2019")
    findings = []
    for site in net.sites:
        facts = TransportFacts(**rows[site.code]["facts"])
        assert facts.prober_ipv6 is True
        for f in check_transport(_ref(site), facts, iset):
            findings.append({"rule": f.rule_id, "indicator": f.indicator_id, "item": f.item,
                             "site": f.subject, "url": f.evidence.url, "message": f.message,
                             "confidence": f.confidence, "details": f.details})
    x002 = {f["site"]: f for f in findings if f["rule"] == "GI-X002"}
    planted = {e["site"]: e["kind"] for e in net.manifest.select(indicator="W-D29")}
    assert set(x002) == set(planted)
    for code, kind in planted.items():
        f = x002[code]
        if kind == "ipv6_missing":
            assert f["message"] == "网站域名没有AAAA记录，无法通过IPv6访问"
            assert f["confidence"] == Confidence.CERTAIN  # the probe's own IPv6 works
            assert rows[code]["ipv6_address"] is None
        else:
            assert f["message"] == "网站域名有AAAA记录，但首页无法通过IPv6访问"
            assert f["confidence"] == Confidence.SUSPECTED
            assert rows[code]["ipv6_address"] == IPV6_LOOPBACK and rows[code]["ipv6_error"]
    for e in net.manifest.select(kind="lookalike_ipv6_ok", negative=True):
        assert rows[e["site"]]["facts"]["ipv6"] is True
    # the same through the evaluation's matcher and demo_kinds.yaml (G13 as well)
    result = match(list(net.manifest.select(negative=None)), findings, load_kinds())
    by_kind = {k.kind: k for k in result.kinds}
    for kind in (*KINDS, "http_only", "no_https_redirect"):
        k = by_kind[kind]
        assert k.planted and (k.tp, k.fp, k.fn) == (k.planted, 0, 0), k
    for kind in ("lookalike_ipv6_ok", "lookalike_https_ok"):
        ok = by_kind[kind]
        assert ok.negative and ok.planted >= 2 and ok.found == ok.at_lookalike == 0, ok


def test_without_an_ipv6_loopback_the_network_is_served_without_ipv6(monkeypatch):
    port = choose_port()
    net = build_network(sites=3, scale=0.05, port=port, faults=False, ipv6=True)

    def refuse(*args, **kwargs):
        raise OSError(errno.EADDRNOTAVAIL, "Cannot assign requested address")

    monkeypatch.setattr(demo_server._Server6, "__init__", refuse)
    with serve_network(net) as server:
        assert server.resolve6 is None and "W-D29" in server.ipv6_note
        site = net.sites[0]
        conn = http.client.HTTPConnection(server.resolve[site.host], server.port, timeout=5)
        conn.request("GET", "/", headers={"Host": site.host})
        assert conn.getresponse().status == 200  # IPv4 as ever
        conn.close()


def test_demo_builds_without_ipv6_where_the_machine_has_none(monkeypatch, tmp_path):
    """``govinspect demo``: no ::1 here → the network plants no W-D29 kinds, the round gets no
    resolve6 (IPv6 unmeasured), and the console says so."""
    from datetime import datetime

    from rich.console import Console

    from govinspect.cli.demo import DEMO_T, serve_network_for

    monkeypatch.setattr(demo_server, "ipv6_loopback_available", lambda: False)
    console = Console(record=True, width=200)
    with serve_network_for(build_network, serve_network, seed=20220630, sites=3, scale=0.05,
                           faults=False, t=datetime.fromisoformat(DEMO_T), out_dir=tmp_path,
                           console=console) as server:
        assert server.network.ipv6 == {} and server.resolve6 is None
        assert not server.network.manifest.select(indicator="W-D29", negative=None)
    assert "本轮不检测IPv6改造（W-D29）" in console.export_text()
