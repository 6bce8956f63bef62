"""Real-site mode (govinspect.demo.realsite): captured pages served under their original hosts
and paths. Small hand-written folders in both layouts; the whole-round test on a real TRS site
is tests/collect/test_trs_real.py."""

from __future__ import annotations

import http.client
import json
import re
import socket
import ssl
from pathlib import Path

import pytest

from govinspect.demo.realsite import (
    NOT_CAPTURED,
    RealSiteError,
    build_real_network,
    fill_rule,
    read_captured,
)
from govinspect.demo.server import _port_free, serve_network

HOME = """<html><head><meta charset="utf-8"><title>政务公开_某县人民政府</title></head><body>
<a href="https://www.xx.gov.cn/zwgk/tzgg/">通知公告</a>
<a href="http://www.xx.gov.cn/zwgk/tzgg/202409/t20240910_108699.htm">关于…的通知</a>
<a href="https://www.xx.gov.cn/zwgk/tzgg/202409/t20240902_108600.htm">关于…的公告</a>
<a href="https://www.gov.cn/">中国政府网</a>
<a href="http://gw.ipv6best.cn:8060/">IPv6</a>
<a href="https://www.xx.gov.cn.evil.example/">不是本站</a>
<script src="//static.xx-cdn.gov.cn/js/a.js"></script>
<img src="/images/logo.png"></body></html>"""
ARTICLE = """<html><head><meta charset="gbk"><title>通知</title></head>
<body><h1>关于…的通知</h1><a href="https://www.xx.gov.cn/zwgk/">政务公开</a></body></html>"""


def _labelled(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    (folder / "pages").mkdir(parents=True)
    labels = [
        {"id": "xx-home", "url": "https://www.xx.gov.cn/zwgk/", "site": "某县人民政府 (www.xx.gov.cn)",
         "site_id_code": "3501280001"},
        {"id": "xx-art", "url": "https://www.xx.gov.cn/zwgk/tzgg/202409/t20240910_108699.htm"},
        {"id": "no-url", "url": None},
    ]
    (folder / "pages" / "xx-home.html").write_text(HOME, encoding="utf-8")
    (folder / "pages" / "xx-art.html").write_bytes(ARTICLE.encode("gbk"))
    (folder / "pages" / "no-url.html").write_text("<html></html>", encoding="utf-8")
    (folder / "labels.jsonl").write_text(
        "".join(json.dumps(x, ensure_ascii=False) + "\n" for x in labels), encoding="utf-8")
    return folder


def test_labelled_folder_becomes_a_site_with_its_label_facts(tmp_path):
    captured, problems = read_captured(_labelled(tmp_path))
    assert [c.url for c in captured] == ["https://www.xx.gov.cn/zwgk/",
                                         "https://www.xx.gov.cn/zwgk/tzgg/202409/t20240910_108699.htm"]
    assert problems == ["no-url：标注中没有原网址，未提供"]
    net = build_real_network(captured, port=80, https_port=443)
    (site,) = net.sites
    assert (site.code, site.name, site.host, site.ip) == (
        "3501280001", "某县人民政府", "www.xx.gov.cn", "127.0.0.2")
    assert site.homepage == "https://www.xx.gov.cn/zwgk/"  # the shallowest captured page
    assert net.transport["www.xx.gov.cn"].redirect  # captured over https: http answers 301
    # default ports: the bytes are served as captured, but for an outside host's own port
    served = HOME.replace("gw.ipv6best.cn:8060", "gw.ipv6best.cn").encode()
    assert net.lookup("www.xx.gov.cn", "/zwgk/").body == served
    assert net.lookup("www.xx.gov.cn", "/zwgk/index.html").body == served
    art = net.lookup("www.xx.gov.cn", "/zwgk/tzgg/202409/t20240910_108699.htm")
    assert art.body == ARTICLE.encode("gbk") and art.content_type == "text/html; charset=gbk"
    # outside hosts (a port of their own included) answer one stand-in page on every path;
    # a host that only starts like the site's is an outside host, not the site
    assert net.catch_all_hosts == {"www.gov.cn", "gw.ipv6best.cn", "www.xx.gov.cn.evil.example",
                                   "static.xx-cdn.gov.cn"}  # a protocol-relative link too
    assert b"www.gov.cn" in net.lookup("www.gov.cn", "/any/path").body
    assert len(set(net.resolve.values())) == 2
    # a path of the site that was not captured is unknown, not broken: a non-HTML placeholder
    missing = net.lookup("www.xx.gov.cn", "/zwgk/tzgg/202409/t20240902_108600.htm")
    assert missing.status == 200 and missing.body == NOT_CAPTURED
    assert missing.content_type == "application/octet-stream"
    assert site.kind.value == "门户"  # a www. host; any other host is taken for a department
    dept = build_real_network([type(captured[0])("http://fgw.xx.gov.cn/a.html", b"<html></html>")])
    assert dept.sites[0].kind.value == "部门" and not dept.transport["fgw.xx.gov.cn"].redirect
    strict = build_real_network(captured, https_port=443, missing_404=True)
    assert strict.lookup("www.xx.gov.cn", "/zwgk/tzgg/202409/t20240902_108600.htm") is None


def test_ports_are_the_only_change_and_fill_answers_uncaptured_articles(tmp_path):
    captured, _ = read_captured(_labelled(tmp_path))
    rule = fill_rule(r"/t\d{8}_\d+\.htm$=xx-art", captured)
    net = build_real_network(captured, port=8080, https_port=8443, fill=[rule])
    body = net.lookup("www.xx.gov.cn", "/zwgk/").body.decode()
    assert 'href="https://www.xx.gov.cn:8443/zwgk/tzgg/"' in body
    assert 'href="http://www.xx.gov.cn:8080/zwgk/tzgg/202409/t20240910_108699.htm"' in body
    assert 'href="https://www.gov.cn:8443/"' in body
    assert 'href="http://gw.ipv6best.cn:8080/"' in body  # its own port → the server's
    assert 'href="https://www.xx.gov.cn.evil.example:8443/"' in body
    # protocol-relative: the port of the page's own scheme (this page was captured over https)
    assert 'src="//static.xx-cdn.gov.cn:8443/js/a.js"' in body
    assert re.sub(r":(8080|8443)(?=/)", "", body) == HOME.replace(":8060", "")
    assert net.lookup("www.xx.gov.cn", "/zwgk/").body.count(b":8443") == 5
    filled = net.lookup("www.xx.gov.cn", "/zwgk/tzgg/202409/t20240902_108600.htm")
    assert filled.body.decode("gbk") == ARTICLE.replace(
        "https://www.xx.gov.cn/", "https://www.xx.gov.cn:8443/")
    with pytest.raises(RealSiteError):
        fill_rule(r"x=nope", captured)
    with pytest.raises(RealSiteError):
        build_real_network(captured, https_port=None)  # https pages need an HTTPS port
    with pytest.raises(RealSiteError):
        build_real_network(captured, https_port=443, hosts=["other.gov.cn"])


def _free_port(avoid: int = 0) -> int:
    """A port free on the site's and the outside hosts' addresses (127.0.0.2 and .3)."""
    for _ in range(50):
        with socket.socket() as s:
            s.bind(("127.0.0.2", 0))
            port = s.getsockname()[1]
        if port != avoid and all(_port_free(ip, port) for ip in ("127.0.0.2", "127.0.0.3")):
            return port
    raise AssertionError("no free port")


def test_mirror_folder_served_over_sockets(tmp_path):
    root = tmp_path / "mirror"
    (root / "www.yy.gov.cn" / "xxgk").mkdir(parents=True)
    (root / "www.yy.gov.cn" / "index.html").write_text(
        '<html><head><meta charset="utf-8"></head><body><a href="http://www.yy.gov.cn/xxgk/">'
        '信息公开</a><a href="https://www.gov.cn/">中国政府网</a></body></html>', encoding="utf-8")
    (root / "www.yy.gov.cn" / "xxgk" / "index.html").write_text("<html>公开</html>", encoding="utf-8")
    (root / "www.yy.gov.cn" / "xxgk" / "a.pdf").write_bytes(b"%PDF-1.4 real bytes")
    (root / "not a host").mkdir()
    captured, problems = read_captured(root)
    assert problems == ["not a host：不像主机名的目录，已跳过"]
    port = _free_port()
    https_port = _free_port(avoid=port)
    net = build_real_network(captured, port=port, https_port=https_port)
    assert net.sites[0].homepage == f"http://www.yy.gov.cn:{port}/"
    with serve_network(net) as server:
        ip = server.resolve["www.yy.gov.cn"]
        conn = http.client.HTTPConnection(ip, port, timeout=10)
        conn.request("GET", "/", headers={"Host": "www.yy.gov.cn"})
        r = conn.getresponse()
        home = r.read().decode()
        assert r.status == 200 and f"http://www.yy.gov.cn:{port}/xxgk/" in home
        assert f"https://www.gov.cn:{https_port}/" in home
        conn.request("GET", "/xxgk/a.pdf", headers={"Host": "www.yy.gov.cn"})
        r = conn.getresponse()
        assert (r.status, r.getheader("Content-Type"), r.read()) == (
            200, "application/pdf", b"%PDF-1.4 real bytes")
        conn.close()
        # an outside host linked over https answers over TLS on its shared address
        ctx = ssl.create_default_context()
        ctx.check_hostname, ctx.verify_mode = False, ssl.CERT_NONE
        tls = http.client.HTTPSConnection(server.resolve["www.gov.cn"], https_port, timeout=10,
                                          context=ctx)
        tls.request("GET", "/x", headers={"Host": "www.gov.cn"})
        r = tls.getresponse()
        assert r.status == 200 and "www.gov.cn" in r.read().decode()
        tls.close()


def test_cli_refuses_a_folder_without_pages(tmp_path):
    from click.testing import CliRunner

    from govinspect.cli.demo_real import demo_real

    (tmp_path / "empty").mkdir()
    result = CliRunner().invoke(demo_real, [str(tmp_path / "empty"), "--out", str(tmp_path / "o")])
    assert result.exit_code != 0 and "没有可提供的页面" in result.output
