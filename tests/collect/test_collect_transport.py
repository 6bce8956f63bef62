"""Transport facts against local HTTP + TLS servers with certificates the test generates."""

from __future__ import annotations

import socket
import ssl
import threading
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from govinspect.collect.classify import parse_retry_after
from govinspect.collect.options import CollectOptions
from govinspect.collect.transport import (
    FACT_FIELDS,
    TransportObservation,
    hsts_max_age,
    prober_ipv6,
    transport_facts,
)
from govinspect.collect.transport_probe import probe_ports, probe_sites, resolve_host
from govinspect.collect.traps import TrapGuard, calendar_date, pagination, strip_session
from govinspect.core.types import SiteKind, SiteRef, TransportFacts

GOOD, OLD, WRONG = "www.good.gov.cn", "www.old.gov.cn", "www.wrong.gov.cn"
PLAIN = "www.plain.gov.cn"
NOW = datetime.now(UTC)


def _key():
    return ec.generate_private_key(ec.SECP256R1())


def _cert(subject: str, key, issuer_name, issuer_key, days: tuple[int, int], ca=False,
          san: str | None = None) -> x509.Certificate:
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)])
    b = (x509.CertificateBuilder().subject_name(name).issuer_name(issuer_name or name)
         .public_key(key.public_key()).serial_number(x509.random_serial_number())
         .not_valid_before(NOW + timedelta(days=days[0]))
         .not_valid_after(NOW + timedelta(days=days[1]))
         .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
    if san:
        b = b.add_extension(x509.SubjectAlternativeName([x509.DNSName(san)]), critical=False)
    return b.sign(issuer_key, hashes.SHA256())


@pytest.fixture(scope="module")
def tls_world(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("tls")
    ca_key = _key()
    ca = _cert("govinspect test CA", ca_key, None, ca_key, (-10, 3650), ca=True)
    (tmp / "ca.pem").write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    leaves = {GOOD: ((-10, 90), GOOD), OLD: ((-400, -35), OLD), WRONG: ((-10, 90), "x.other.cn")}
    contexts = {}
    for host, (days, san) in leaves.items():
        key = _key()
        cert = _cert(san, key, ca.subject, ca_key, days, san=san)
        (tmp / f"{host}.pem").write_bytes(
            cert.public_bytes(serialization.Encoding.PEM)
            + key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()))
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(tmp / f"{host}.pem")
        contexts[host] = ctx

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            host = (self.headers.get("Host") or "").split(":")[0]
            tls = isinstance(self.connection, ssl.SSLSocket)
            self.send_response(200 if tls or host != GOOD else 301)
            if not tls and host == GOOD:
                self.send_header("Location", f"https://{GOOD}/")
            if tls and host == GOOD:
                self.send_header("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *a):
            pass

    plain = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    tls = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    base = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    base.load_cert_chain(tmp / f"{GOOD}.pem")

    def sni(sock, name, _ctx):
        if name in contexts:
            sock.context = contexts[name]

    base.sni_callback = sni
    tls.socket = base.wrap_socket(tls.socket, server_side=True)
    servers = (plain, tls)
    for s in servers:
        s.daemon_threads = True
        threading.Thread(target=s.serve_forever, daemon=True).start()
    yield plain.server_address[1], tls.server_address[1], tmp / "ca.pem"
    for s in servers:
        s.shutdown()
        s.server_close()


def test_transport_facts_from_real_handshakes(tls_world, tmp_path):
    http_port, https_port, ca = tls_world
    sites = [SiteRef(code=f"c{i}", name=h, homepage=f"http://{h}:{http_port}/",
                     kind=SiteKind.PORTAL, hosts=(h,)) for i, h in enumerate(
                         [GOOD, OLD, WRONG, PLAIN, "www.v6.gov.cn"])]
    resolve = {GOOD: "127.0.0.1", OLD: "127.0.0.1", WRONG: "127.0.0.1", "www.v6.gov.cn": "::1"}
    # PLAIN has no TLS: its https port is one where nothing listens (127.0.0.2)
    resolve[PLAIN] = "127.0.0.2"
    options = CollectOptions(resolve=resolve, allow_private=True, https_port=https_port,
                             tls_ca_file=str(ca), timeout_s=3.0)
    rows = probe_sites(sites, options)
    good, old, wrong, plain, v6 = (rows[f"c{i}"] for i in range(5))
    facts = TransportFacts(**good["facts"])  # the collector's row maps onto the core type
    assert (facts.https_available, facts.redirects_to_https, facts.cert_valid,
            facts.cert_days_left, facts.hsts, facts.ipv6) == (True, True, True, 89, True, None)
    assert facts.url == sites[0].homepage and facts.checked_at
    assert old["facts"]["cert_valid"] is False and old["cert_error"] == "expired"
    assert old["facts"]["cert_error"] == "expired"
    assert old["facts"]["cert_days_left"] < -30 and old["facts"]["https_available"] is True
    assert old["facts"]["redirects_to_https"] is False and old["facts"]["hsts"] is False
    assert wrong["facts"]["cert_valid"] is False and wrong["cert_error"] == "hostname_mismatch"
    assert plain["facts"]["https_available"] is False and plain["facts"]["cert_valid"] is None
    assert plain["facts"]["hsts"] is None
    # An IPv6 address in the resolve map: AAAA known, fetched over ::1 (nothing listens → False)
    assert v6["ipv6_address"] == "::1" and v6["facts"]["ipv6"] is False
    assert v6["facts"]["ipv6_aaaa"] is True and v6["ipv6_error"]
    assert facts.ipv6_aaaa is None  # no resolve6: IPv6 of the IPv4 hosts is not measured
    assert {r["facts"]["prober_ipv6"] for r in rows.values()} == {False}  # tried, reached none


def test_transport_facts_pure():
    now = datetime(2026, 1, 1, tzinfo=UTC)
    obs = TransportObservation("h", http_status=200, https_error="refused")
    assert transport_facts(obs, now) == {"https_available": False, "redirects_to_https": False,
                                         "cert_valid": None, "cert_error": None,
                                         "cert_days_left": None, "hsts": None, "ipv6": None,
                                         "ipv6_aaaa": None}
    assert set(transport_facts(obs, now)) == set(FACT_FIELDS)
    obs = TransportObservation("h", http_status=302, http_location="https://h/", https_status=200,
                               cert_not_after=now + timedelta(days=10, hours=1),
                               hsts_header="max-age=0", ipv6_known=True)
    facts = transport_facts(obs, now)
    assert facts["cert_days_left"] == 10 and facts["hsts"] is False and facts["ipv6"] is False
    assert facts["ipv6_aaaa"] is False  # looked up, no AAAA record
    assert facts["cert_valid"] is True and facts["cert_error"] is None
    obs = TransportObservation("h", http_status=200, https_status=200, cert_error="expired",
                               cert_not_after=now - timedelta(days=40))
    facts = transport_facts(obs, now)
    assert (facts["cert_valid"], facts["cert_error"], facts["cert_days_left"]) == (
        False, "expired", -40)
    assert hsts_max_age('max-age="600"; preload') == 600 and hsts_max_age("includeSubDomains") is None


def test_ipv6_facts_pure():
    """ipv6: True (AAAA and an answer over it), False (no AAAA, or AAAA and no answer), None
    (not looked up); ipv6_aaaa says which."""
    now = datetime(2026, 1, 1, tzinfo=UTC)

    def judge(**kw):
        facts = transport_facts(TransportObservation("h", http_status=200, **kw), now)
        return facts["ipv6"], facts["ipv6_aaaa"]

    assert judge(ipv6_address="2001:db8::1", ipv6_known=True, ipv6_fetch_ok=True) == (True, True)
    assert judge(ipv6_address="2001:db8::1", ipv6_known=True, ipv6_fetch_ok=False,
                 ipv6_error="RemoteDisconnected: closed") == (False, True)
    assert judge(ipv6_known=True) == (False, False)
    assert judge() == (None, None)
    # the probe's own IPv6, from one run's facts
    assert prober_ipv6([{"ipv6": False, "ipv6_aaaa": False}, {"ipv6": True}]) is True
    assert prober_ipv6([{"ipv6": False, "ipv6_aaaa": True}, {"ipv6": False}]) is False
    assert prober_ipv6([{"ipv6": False, "ipv6_aaaa": False}, {"ipv6": None}]) is None
    assert prober_ipv6([]) is None


def test_closed_world_aaaa_records_pure():
    """resolve6: the closed world's AAAA records. With it an absent host has no AAAA (known);
    without it only an IPv6 entry of resolve itself counts, else IPv6 is unknown."""
    resolve = {"www.a.gov.cn": "127.0.0.2", "WWW.B.gov.cn.": "127.0.0.3", "v6.c.gov.cn": "::1"}
    closed6 = CollectOptions(resolve=resolve, resolve6={"www.a.gov.cn": "::1"})
    assert resolve_host("www.a.gov.cn", closed6) == ("127.0.0.2", "::1", True)
    assert resolve_host("www.b.gov.cn", closed6) == ("127.0.0.3", None, True)  # no AAAA, known
    assert resolve_host("v6.c.gov.cn", closed6) == (None, "::1", True)
    assert resolve_host("www.gone.gov.cn", closed6) == (None, None, True)
    closed = CollectOptions(resolve=resolve)  # today's closed world: IPv6 not measured
    assert resolve_host("www.a.gov.cn", closed) == ("127.0.0.2", None, False)
    assert resolve_host("v6.c.gov.cn", closed) == (None, "::1", True)
    assert resolve_host("www.gone.gov.cn", closed) == (None, None, False)
    # resolve6 alone (no resolve map) is not a closed world: real lookups, unchanged
    assert resolve_host("127.0.0.9", CollectOptions(resolve6={})) == ("127.0.0.9", None, True)
    assert resolve_host("[::1]", closed6) == (None, "::1", True)


def test_ipv6_fetch_connects_to_the_aaaa_address(tmp_path):
    """A closed world with resolve6: the fetch over IPv6 goes to the AAAA address on the HTTP
    probe's port with the site's Host header; a site without AAAA is no IPv6 (known)."""
    try:
        server6 = _Server6(("::1", 0), _HostEcho)
    except OSError:
        pytest.skip("no IPv6 loopback on this machine")
    server4 = ThreadingHTTPServer(("127.0.0.1", server6.server_address[1]), _HostEcho)
    for s in (server4, server6):
        s.daemon_threads = True
        threading.Thread(target=s.serve_forever, daemon=True).start()
    port = server6.server_address[1]
    try:
        hosts = ("www.six.gov.cn", "www.four.gov.cn")
        sites = [SiteRef(code=f"c{i}", name=h, homepage=f"http://{h}:{port}/",
                         kind=SiteKind.DEPARTMENT, hosts=(h,)) for i, h in enumerate(hosts)]
        options = CollectOptions(resolve={h: "127.0.0.1" for h in hosts},
                                 resolve6={"www.six.gov.cn": "::1"}, allow_private=True,
                                 https_port=1, timeout_s=3.0)
        rows = probe_sites(sites, options)
        six, four = rows["c0"]["facts"], rows["c1"]["facts"]
        assert (six["ipv6"], six["ipv6_aaaa"], rows["c0"]["ipv6_address"]) == (True, True, "::1")
        assert (four["ipv6"], four["ipv6_aaaa"]) == (False, False)
        assert six["prober_ipv6"] is four["prober_ipv6"] is True
        assert ("::1", f"www.six.gov.cn:{port}") in _HostEcho.seen
        assert not any(h.startswith("www.four") for ip, h in _HostEcho.seen if ip == "::1")
    finally:
        for s in (server4, server6):
            s.shutdown()
            s.server_close()


class _Server6(ThreadingHTTPServer):
    address_family = socket.AF_INET6


class _HostEcho(BaseHTTPRequestHandler):
    seen: list[tuple[str, str]] = []

    def do_GET(self):  # noqa: N802
        self.seen.append((self.client_address[0], self.headers.get("Host") or ""))
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *a):
        pass


def test_probe_ports_follow_the_homepage_scheme():
    opts = CollectOptions(http_port=8080, https_port=8443)
    assert probe_ports("http://h:8080/", opts) == (8080, 8443)
    assert probe_ports("http://h/", opts) == (80, 8443)
    assert probe_ports("https://h:9443/", opts) == (8080, 9443)
    assert probe_ports("https://h/", opts) == (8080, 443)
    assert probe_ports("http://h/", CollectOptions()) == (80, 443)


def test_trap_patterns_pure():
    assert strip_session("http://h/a.jsp;jsessionid=X1?id=3&PHPSESSID=9") == (
        "http://h/a.jsp?id=3", True)
    assert strip_session("http://h/a?id=3") == ("http://h/a?id=3", False)
    assert calendar_date("http://h/c/?year=2031&month=4")[1].isoformat() == "2031-04-01"
    assert calendar_date("http://h/news/?id=2024") is None
    assert pagination("http://h/list/index_37.html") == ("h/list/index_*.html", 37)
    # Document ids are no page numbers (tests/collect/test_traps.py has the rest)
    assert pagination("http://h/art/t20240501_123.html") is None
    g = TrapGuard(datetime(2026, 5, 1).date(), max_pagination=50)
    assert g.allow("http://h/list/?page=50", text="50")
    assert not g.allow("http://h/list/?page=51", text="下一页")  # step by step past the bound
    assert g.allow("http://h/l/?pn=7", text="7")
    g.observe("http://h/l/?pn=7", "same")
    assert g.allow("http://h/l/?pn=8", text="8")
    g.observe("http://h/l/?pn=8", "same")
    assert not g.allow("http://h/l/?pn=9", text="下一页")
    assert g.allow("http://h/l/?pn=9", text="关于做好2026年政务公开工作的通知")  # content
    assert [t["kind"] for t in g.report()] == ["pagination", "pagination"]


def test_retry_after_parse():
    now = datetime(2026, 3, 1, 8, 0, 0, tzinfo=UTC).timestamp()
    assert parse_retry_after("120", now) == 120.0
    assert parse_retry_after("Sun, 01 Mar 2026 08:00:30 GMT", now) == 30.0
    assert parse_retry_after("Sun, 01 Mar 2026 07:00:00 GMT", now) == 0.0
    assert parse_retry_after("soon", now) is None and parse_retry_after(None, now) is None


def test_run_wide_ipv6_facts_across_workers_and_the_unmeasured_note(tmp_path):
    """Each worker judged the probe's IPv6 from its own sites; the merge judges the run (one
    worker reached a site over IPv6 → every row says so). A closed world without AAAA records
    says once that IPv6 was not measured."""
    import json

    from govinspect.collect.crawl import _notes
    from govinspect.collect.ledger import Ledger
    from govinspect.collect.options import SiteSummary
    from govinspect.collect.shards import _merge_prober_ipv6

    rows = [{"site_code": "a", "facts": {"ipv6": False, "ipv6_aaaa": False, "prober_ipv6": None}},
            {"site_code": "b", "facts": {"ipv6": True, "ipv6_aaaa": True, "prober_ipv6": True}}]
    path = tmp_path / "transport.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    sites = {r["site_code"]: SiteSummary(r["site_code"], "http://h/", transport=dict(r["facts"]))
             for r in rows}
    _merge_prober_ipv6(path, sites)
    merged = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert [r["facts"]["prober_ipv6"] for r in merged] == [True, True]
    assert sites["a"].transport["prober_ipv6"] is True
    assert TransportFacts(**merged[0]["facts"]).prober_ipv6 is True

    site = [SiteRef(code="c0", name="站", homepage="http://www.a.gov.cn/",
                    kind=SiteKind.DEPARTMENT, hosts=("www.a.gov.cn",))]
    unmeasured = "指定的域名解析表中没有IPv6（AAAA）记录，本次未检测IPv6改造（W-D29）"
    closed = {"www.a.gov.cn": "127.0.0.1"}
    assert _notes(Ledger(site, CollectOptions(resolve=closed))) == [unmeasured]
    assert _notes(Ledger(site, CollectOptions(resolve=closed, resolve6={}))) == []
    assert _notes(Ledger(site, CollectOptions())) == []  # the real world: DNS answers
    assert _notes(Ledger(site, CollectOptions(resolve=closed, probe_transport=False))) == []
