"""The demo network over TLS (issue 6): planted transport problems served with certificates of
the demo CA, found by the collector's transport probe and GI-X001, healthy HTTPS sites clean;
and the crawl still finds exactly the planted broken links when most sites are https://."""

from __future__ import annotations

import http.client
import socket
import ssl
from dataclasses import asdict
from urllib.parse import urlsplit

import pytest

from govinspect.collect.options import CollectOptions
from govinspect.collect.probe import visit
from govinspect.collect.transport_probe import probe_sites
from govinspect.core.indicator_sets import load_indicator_set
from govinspect.core.probes import ProbeOutcome
from govinspect.core.types import SiteKind, SiteRef, TransportFacts
from govinspect.demo.model import CA_FILE
from govinspect.demo.network import TRANSPORT_PLANTS, build_network
from govinspect.demo.server import choose_port, serve_network
from govinspect.eval.demo import load_kinds, match
from govinspect.rules.transport import check_transport

from .walk import walk

KINDS = ("http_only", "cert_expired", "cert_hostname_mismatch", "no_https_redirect", "no_hsts")
SITES = 10  # portal + the 8 transport plants + one more healthy site


def _ref(site) -> SiteRef:
    return SiteRef(site.code, site.name, site.homepage, SiteKind(site.kind), tuple(site.hosts))


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    port = choose_port()
    https_port = choose_port(443, avoid=(port,))
    net = build_network(sites=SITES, scale=0.1, port=port, https_port=https_port, faults=False)
    folder = net.write(tmp_path_factory.mktemp("tls") / "network")
    with serve_network(net) as server:
        yield net, server, str(folder / CA_FILE)


class _Tls(http.client.HTTPConnection):
    """HTTPS to a given address with the site's name for SNI and verification."""

    def __init__(self, ip: str, port: int, host: str, ctx: ssl.SSLContext):
        super().__init__(ip, port, timeout=10)
        self.server_name, self.ctx = host, ctx

    def connect(self) -> None:
        raw = socket.create_connection((self.host, self.port), self.timeout)
        self.sock = self.ctx.wrap_socket(raw, server_hostname=self.server_name)


def _get(ip: str, port: int, host: str, path: str = "/", ctx: ssl.SSLContext | None = None):
    conn = http.client.HTTPConnection(ip, port, timeout=10) if ctx is None else \
        _Tls(ip, port, host, ctx)
    try:
        conn.request("GET", path, headers={"Host": host})
        r = conn.getresponse()
        return r.status, dict(r.getheaders()), r.read()
    finally:
        conn.close()


def test_tls_plan_in_the_manifest():
    net = build_network(sites=SITES, scale=0.1, port=8080, https_port=8443, faults=False)
    m = net.manifest
    planted = {k: {e["site"] for e in m.select(kind=k)} for k in KINDS}
    assert all(planted.values()), planted
    assert len(planted["http_only"]) == len(planted["no_hsts"]) == 2
    # one problem per site, apart from a broken certificate on a site that does not redirect
    only = [planted[k] for k in ("http_only", "cert_expired", "cert_hostname_mismatch", "no_hsts")]
    assert sum(map(len, only)) == len(set().union(*only))
    cert_sites = planted["cert_expired"] | planted["cert_hostname_mismatch"]
    assert cert_sites < planted["no_https_redirect"]
    healthy = {e["site"] for e in m.select(kind="lookalike_https_ok", negative=True)}
    assert net.sites[0].code in healthy and not healthy & set().union(*planted.values())
    assert len(healthy) + len(set().union(*planted.values())) == SITES
    # canonical URLs: https:// exactly for the sites that redirect to HTTPS
    for site in net.sites:
        t = net.transport[site.host]
        assert site.homepage.startswith("https://" if t.https and t.redirect else "http://")
        assert site.homepage == net.url(site.host, "/")
        for e in m.select(site=site.code, negative=None):
            if e.get("indicator") != "W-D22" and e.get("subject_kind") != "account":
                assert e["url"].startswith(site.homepage), e
    for e in m.select(negative=None):  # every span at its (canonical) URL
        if "span" in e and e.get("subject_kind") != "account":
            page = net.get(e["url"])
            assert page.text()[e["span"]["start"]:e["span"]["end"]] == e["text"], e
    portal = net.lookup(net.sites[0].host, "/").text()
    for site in net.sites[1:]:
        assert f'href="{site.homepage}"' in portal  # the portal lists each site canonically
    # same arguments → same pages and manifest (keys apart); no TLS → no transport kinds
    again = build_network(sites=SITES, scale=0.1, port=8080, https_port=8443, faults=False)
    assert again.manifest_json() == net.manifest_json() and again.tls.ca_pem != net.tls.ca_pem
    plain = build_network(sites=SITES, scale=0.1, port=8080, faults=False)
    assert plain.tls is None and not plain.manifest.select(indicator="G13", negative=None)
    assert all(s.homepage.startswith("http://") for s in plain.sites)
    assert len(TRANSPORT_PLANTS) == SITES - 2


def test_the_walk_over_canonical_urls_breaks_exactly_the_planted_links():
    net = build_network(sites=SITES, scale=0.1, port=8080, https_port=8443, faults=False)
    broken, _ = walk(net)
    assert broken == {(e["parent_url"], e["url"]) for e in net.manifest.select(indicator="W-D22")}


def test_served_with_the_planned_transport(served):
    net, server, ca_file = served
    verified = ssl.create_default_context(cafile=ca_file)
    loose = ssl.create_default_context()
    loose.check_hostname, loose.verify_mode = False, ssl.CERT_NONE
    for site in net.sites:
        t, ip = net.transport[site.host], server.resolve[site.host]
        status, headers, body = _get(ip, server.port, site.host)
        if t.https and t.redirect:
            assert status == 301 and headers["Location"] == site.homepage
        else:
            assert status == 200 and body == net.lookup(site.host, "/").body
        if not t.https:
            with pytest.raises(ConnectionRefusedError):
                _get(ip, server.https_port, site.host, ctx=loose)
            continue
        status, headers, body = _get(ip, server.https_port, site.host, ctx=loose)
        assert status == 200 and body == net.lookup(site.host, "/").body
        assert ("Strict-Transport-Security" in headers) == t.hsts
        if t.cert == "valid":
            assert _get(ip, server.https_port, site.host, ctx=verified)[0] == 200
            for alias in site.hosts[1:]:  # the certificate names the aliases too
                assert _get(ip, server.https_port, alias, ctx=verified)[0] == 200
        else:
            with pytest.raises(ssl.SSLCertVerificationError, match="expired" if t.cert ==
                               "expired" else "Hostname mismatch"):
                _get(ip, server.https_port, site.host, ctx=verified)


def test_transport_probe_finds_every_planted_kind_and_nothing_on_healthy_sites(served):
    net, server, ca_file = served
    options = CollectOptions(resolve=dict(server.resolve), allow_private=True, timeout_s=5.0,
                             http_port=server.port, https_port=server.https_port,
                             tls_ca_file=ca_file)
    rows = probe_sites([_ref(s) for s in net.sites], options)
    iset = load_indicator_set("national-2019")
    findings = []
    for site in net.sites:
        facts = TransportFacts(**rows[site.code]["facts"])
        for f in check_transport(_ref(site), facts, iset):
            findings.append({"rule": f.rule_id, "indicator": f.indicator_id, "item": f.item,
                             "site": f.subject, "url": f.evidence.url, "message": f.message,
                             "details": f.details})
    by_site = {}
    for f in findings:
        by_site.setdefault(f["site"], set()).add(f["item"])
    expected = {}
    items = {"http_only": "no_https", "cert_expired": "cert_invalid",
             "cert_hostname_mismatch": "cert_invalid", "no_https_redirect": "no_redirect",
             "no_hsts": "no_hsts"}
    for e in net.manifest.select(indicator="G13"):
        expected.setdefault(e["site"], set()).add(items[e["kind"]])
    assert by_site == expected
    messages = {f["details"].get("cert_error"): f["message"] for f in findings
                if f["item"] == "cert_invalid"}
    assert messages["expired"].startswith("HTTPS证书已过期（")
    assert messages["hostname_mismatch"] == "HTTPS证书与网站域名不符"
    # the same through the evaluation's matcher and demo_kinds.yaml
    result = match(list(net.manifest.select(negative=None)), findings, load_kinds())
    rows_by_kind = {k.kind: k for k in result.kinds}
    for kind in KINDS:
        k = rows_by_kind[kind]
        assert (k.planted, k.tp, k.fp, k.fn) == (k.planted, k.planted, 0, 0), k
    ok = rows_by_kind["lookalike_https_ok"]
    assert ok.negative and ok.planted >= 2 and ok.found == ok.at_lookalike == 0
    # the renewal look-alike: 45 days left is no warning (cert_warn_days 30)
    renewing = next(e for e in net.manifest.select(kind="lookalike_https_ok", negative=True)
                    if e["cert_days"] == 45)
    assert rows[renewing["site"]]["facts"]["cert_days_left"] in (44, 45)


def test_availability_visit_trusts_the_demo_ca_only_when_told(served):
    net, server, ca_file = served
    home = net.sites[0].homepage
    assert urlsplit(home).scheme == "https"
    ok = visit(home, resolve=dict(server.resolve), allow_private=True, ca_file=ca_file)
    assert ok.outcome == ProbeOutcome.OK and ok.status == 200
    bare = visit(home, resolve=dict(server.resolve), allow_private=True)
    assert bare.outcome == ProbeOutcome.TLS
    # http:// of a redirecting site follows the 301 to the verified HTTPS homepage
    http_home = f"http://{net.sites[0].host}:{server.port}/"
    moved = visit(http_home, resolve=dict(server.resolve), allow_private=True, ca_file=ca_file)
    assert moved.outcome == ProbeOutcome.OK and moved.url == home


@pytest.mark.slow
def test_crawl_over_https_finds_exactly_the_planted_broken_links(served, tmp_path):
    from govinspect.collect.crawl import collect_sites_subprocess
    from govinspect.collect.store import read_captures, read_link_checks, read_transport_facts

    net, server, ca_file = served
    options = CollectOptions(resolve=dict(server.resolve), allow_private=True,
                             download_delay=0.0, autothrottle=False, obey_robots=False,
                             http_port=server.port, https_port=server.https_port,
                             tls_ca_file=ca_file, timeout_s=10.0)
    summary = collect_sites_subprocess([_ref(s) for s in net.sites], tmp_path / "collect",
                                       options, timeout=600)
    for site in net.sites:
        assert summary.sites[site.code].homepage_status == 200, site.code
        assert summary.sites[site.code].transport is not None
    pages = {c.url for c in read_captures(tmp_path / "collect")}
    for site in net.sites:  # every site crawled over its canonical scheme and port only
        home = urlsplit(site.homepage)
        own = [urlsplit(u) for u in pages if urlsplit(u).hostname in site.hosts]
        assert len(own) > 10, site.host
        assert {(u.scheme, u.port) for u in own} == {(home.scheme, home.port)}, site.host
    broken = {(c.parent_url, c.url) for c in read_link_checks(tmp_path / "collect") if c.broken}
    assert broken == {(e["parent_url"], e["url"]) for e in net.manifest.select(indicator="W-D22")}
    facts = read_transport_facts(tmp_path / "collect")
    healthy = {e["site"] for e in net.manifest.select(kind="lookalike_https_ok", negative=True)}
    iset = load_indicator_set("national-2019")
    for site in net.sites:
        found = check_transport(_ref(site), facts[site.code], iset)
        assert (found == []) == (site.code in healthy), (site.code, asdict(facts[site.code]))
