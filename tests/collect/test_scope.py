"""Scope and SSRF (issue 16): the collect never connects to a loopback, private, link-local or
metadata address unless the round allows it (``allow_private``) or the roster names the host
(``private_hosts``) — whatever form the address takes (IP literal, decimal, hex, IPv6,
IPv4-mapped IPv6, a name resolving there) and however the crawl gets there (a link, a
redirect, a meta refresh). Each refusal is a recorded fault; the server sees no request for
any host but the roster's."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter

import pytest
from collect_server import SiteServer

from govinspect.collect.classify import is_forbidden_ip, may_connect, numeric_ip
from govinspect.collect.crawl import roster_hosts, sites_to_json
from govinspect.collect.options import CollectOptions
from govinspect.collect.store import read_capture_lines, read_faults, read_link_checks
from govinspect.core.types import SiteKind, SiteRef

INTRA = "www.intra.gov.cn"


def test_numeric_host_forms_pure():
    for form in ("2130706433", "0x7f000001", "0177.0.0.1", "127.1", "127.0.0.1", "[::1]",
                 "::ffff:127.0.0.1", "0x7f.1"):
        ip = numeric_ip(form)
        assert ip is not None and is_forbidden_ip(ip), form
    assert numeric_ip("169.254.169.254") == "169.254.169.254"
    assert is_forbidden_ip("169.254.169.254") and is_forbidden_ip("fe80::1")
    assert is_forbidden_ip("10.1.2.3") and not is_forbidden_ip("36.112.1.1")
    for name in ("www.gov.cn", "123.com", "deadbeef", "1e3.example"):
        assert numeric_ip(name) is None, name
    assert may_connect("www.intra.gov.cn", "10.0.0.5", False, {"www.intra.gov.cn"})
    assert not may_connect("evil.example.com", "10.0.0.5", False, {"www.intra.gov.cn"})
    assert may_connect("x", "10.0.0.5", True) and may_connect("x", "36.112.1.1", False)


def test_roster_hosts_are_every_site_host_with_its_www_twin():
    sites = [SiteRef("1", "a", "http://shishi.gov.cn/", SiteKind.PORTAL,
                     ("shishi.gov.cn", "www.fgw.shishi.gov.cn")),
             SiteRef("2", "b", "http://127.0.0.1:8080/", SiteKind.PORTAL, ("127.0.0.1",))]
    assert roster_hosts(sites) == ["127.0.0.1", "fgw.shishi.gov.cn", "shishi.gov.cn",
                                   "www.fgw.shishi.gov.cn", "www.shishi.gov.cn"]


def _pages(srv: SiteServer, host: str, targets: dict[str, str]) -> None:
    """A homepage linking ``targets``; those named ``r-…`` are in-site pages that redirect
    to the target; ``meta`` is an in-site page whose meta refresh goes to 127.0.0.2."""
    def page(title: str, body: str, head: str = "") -> str:
        return (f"<html><head><meta charset='utf-8'>{head}<title>{title}</title></head>"
                f"<body>{body}<p>{'内网门户。' * 50}</p></body></html>")

    srv.html(host, "/", page("内网门户", "".join(
        f'<a href="{f"/{name}.html" if name.startswith("r-") else href}">{name}</a>'
        for name, href in targets.items())))
    for name, href in targets.items():
        if name.startswith("r-"):
            srv.redirect(host, f"/{name}.html", href)
    srv.html(host, "/meta.html", page("跳转", "", f'<meta http-equiv="refresh" content="0;url='
                                                  f'http://127.0.0.2:{srv.port}/secret">'))


def _collect(tmp_path, site: SiteRef, options: CollectOptions) -> subprocess.CompletedProcess:
    (tmp_path / "sites.json").write_text(sites_to_json([site]), encoding="utf-8")
    (tmp_path / "options.json").write_text(json.dumps(options.to_dict()), encoding="utf-8")
    return subprocess.run(
        [sys.executable, "-m", "govinspect.collect", str(tmp_path / "sites.json"),
         str(tmp_path / "out"), "--options", str(tmp_path / "options.json"), "--quiet"],
        capture_output=True, text=True, timeout=600)


FAST = dict(download_delay=0.0, autothrottle=False, obey_robots=False, timeout_s=5.0,
            retry_times=0, probe_transport=False, probe_search=False)


@pytest.mark.slow
def test_no_connection_to_inner_addresses_closed_world(site_server, tmp_path):
    """Closed world (a resolve map): the roster's intranet site may be private; nothing
    else may, in any form."""
    srv = site_server
    p = srv.port
    targets = {
        "r-ip": f"http://127.0.0.1:{p}/secret", "r-dec": f"http://2130706433:{p}/secret",
        "r-v6": f"http://[::1]:{p}/secret", "r-name": f"http://evil.example.com:{p}/secret",
        "r-file": "file:///etc/passwd", "meta": "/meta.html",
        "ip": f"http://127.0.0.1:{p}/a", "hex": f"http://0x7f000001:{p}/a",
        "mapped": f"http://[::ffff:127.0.0.1]:{p}/a", "metadata": "http://169.254.169.254/latest/",
        "name": f"http://evil.example.com:{p}/a",
    }
    _pages(srv, INTRA, targets)
    site = SiteRef(code="3799000001", name="内网门户", homepage=srv.url(INTRA, "/"),
                   kind=SiteKind.PORTAL, hosts=(INTRA,))
    options = CollectOptions(resolve={INTRA: "127.0.0.1", "evil.example.com": "127.0.0.1"},
                             private_hosts=[INTRA], **FAST)
    proc = _collect(tmp_path, site, options)
    assert proc.returncode == 0, proc.stderr
    hosts = Counter(h for (_, h, _) in srv.hits)
    assert set(hosts) == {INTRA}, hosts  # not one request to any other host
    out = tmp_path / "out"
    caps = {r["url"].rsplit("/", 1)[1]: r for r in read_capture_lines(out)}
    assert caps[""]["status"] == 200  # the roster's intranet host itself is collected
    faults = read_faults(out)
    refused = {f["url"] for f in faults if f["kind"] == "policy_refused"}
    for name in ("ip", "hex", "mapped", "metadata", "name"):
        assert targets[name] in refused, name
    redirected = {f["url"].rsplit("/", 1)[1]: f for f in faults
                  if f["kind"] == "offsite_redirect"}
    for name in ("r-ip", "r-dec", "r-v6", "r-name", "meta"):
        fault = redirected[f"{name}.html"]
        assert fault["failure"] == "other" and fault["detail"]["kind"] == "policy_refused", fault
    assert caps["r-file.html"]["status"] == 302
    assert next(f for f in faults if f["kind"] == "non_http_redirect")["target"] == \
        "file:///etc/passwd"
    # Links to refused targets carry the refusal, never a dead-link class of their own
    checks = {c.url: c for c in read_link_checks(out)}
    assert checks[targets["ip"]].failure.value == "other"


@pytest.mark.slow
def test_no_connection_to_inner_addresses_real_resolver(site_server, tmp_path):
    """No resolve map: the system resolver answers (``localhost`` from /etc/hosts, the
    decimal form by inet_aton); the roster's site is named by its IP literal."""
    srv = site_server
    p = srv.port
    targets = {"name": f"http://localhost:{p}/a", "dec": f"http://2130706433:{p}/a",
               "short": f"http://127.1:{p}/a", "v6": f"http://[::1]:{p}/a",
               "other-loopback": f"http://127.0.0.3:{p}/a"}
    _pages(srv, "127.0.0.1", targets)
    site = SiteRef(code="3799000002", name="内网门户", homepage=f"http://127.0.0.1:{p}/",
                   kind=SiteKind.PORTAL, hosts=("127.0.0.1",))
    options = CollectOptions(private_hosts=["127.0.0.1"], **FAST)
    proc = _collect(tmp_path, site, options)
    assert proc.returncode == 0, proc.stderr
    hosts = Counter(h for (_, h, _) in srv.hits)
    assert set(hosts) == {"127.0.0.1"}, hosts
    refused = {f["url"] for f in read_faults(tmp_path / "out") if f["kind"] == "policy_refused"}
    assert refused >= set(targets.values()), refused
