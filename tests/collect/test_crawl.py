"""End-to-end collector tests: a real crawl (fresh process each) against a local server."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from collect_server import SiteServer, closed_port
from warcio.archiveiterator import ArchiveIterator

from govinspect.collect.crawl import load_sites, sites_to_json
from govinspect.collect.options import CollectOptions
from govinspect.collect.store import (
    read_attachment_lines,
    read_capture_lines,
    read_captures,
    read_link_checks,
)
from govinspect.core.types import LinkClass, LinkFailure, ResourceKind, SiteKind, SiteRef

pytestmark = pytest.mark.slow

WWW = "www.shishi.gov.cn"
OTHER = "other.shishi.gov.cn"
OUT = "www.outbound.com"
FAST = dict(download_delay=0.0, autothrottle=False, allow_private=True, obey_robots=True,
            timeout_s=5.0, retry_times=1, retry_backoff_s=0.05, per_host_concurrency=4)


def page(title: str, body: str) -> str:
    return (f"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>{title}</title></head>"
            f"<body><div class=\"main\">{body}</div>"
            f"<p>{'石市人民政府门户网站，主办单位：石市人民政府办公室。' * 20}</p></body></html>")


def run_collect(tmp: Path, sites: list[SiteRef], options: CollectOptions) -> tuple[Path, dict]:
    sites_json = tmp / "sites.json"
    sites_json.write_text(sites_to_json(sites), encoding="utf-8")
    opts_json = tmp / "options.json"
    opts_json.write_text(json.dumps(options.to_dict()), encoding="utf-8")
    out = tmp / "out"
    proc = subprocess.run([sys.executable, "-m", "govinspect.collect", str(sites_json), str(out),
                           "--options", str(opts_json), "--quiet"],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    return out, json.loads((out / "summary.json").read_text(encoding="utf-8"))


def build_site(srv: SiteServer, dead_port: int) -> None:
    u = srv.url
    home = page("石市人民政府", f"""
      <a href="/a.html">政务动态</a>
      <a href="/missing.html">已删除的通知</a>
      <a href="/err.html">服务器错误</a>
      <a href="/loop1.html">循环跳转</a>
      <a href="/soft.html">提示页</a>
      <a href="/old/zwgk/2019/t123.html">旧栏目文章</a>
      <a href="/gbk.html">GBK页面</a>
      <a href="/waf.html">防火墙</a>
      <a href="{u('dead.example.cn', '/x.html')}">无法解析</a>
      <a href="http://refused.example.cn:{dead_port}/">拒绝连接</a>
      <a href="{u(OUT, '/out.html')}">外部网站</a>
      <a href="{u(OTHER, '/')}">部门网站</a>
      <a href="/files/report.pdf">年度报告</a>
      <a href="/files/missing.docx">失效附件</a>
      <img src="/img/logo.png" alt="徽标"><img src="/img/broken.png" alt="坏图">
      <a href="mailto:office@shishi.gov.cn">邮箱</a><a href="javascript:void(0)">脚本</a>
      <a href="#top">顶部</a><a href="/a.html#part2">政务动态第二段</a>""")
    srv.html(WWW, "/", home)
    srv.html(WWW, "/a.html", page("政务动态", '<a href="/b.html">下一页</a>'
                                           '<a href="/missing.html">已删除的通知</a>'
                                           '<a href="/">首页</a>'))
    srv.html(WWW, "/b.html", page("第二页", '<a href="/a.html">上一页</a>'))
    srv.html(WWW, "/err.html", page("错误", "oops"), status=500)
    srv.redirect(WWW, "/loop1.html", "/loop2.html")
    srv.redirect(WWW, "/loop2.html", "/loop1.html")
    srv.html(WWW, "/soft.html",
             "<html><head><title>提示信息</title></head><body>对不起，您访问的页面不存在！"
             "<a href=\"/\">返回首页</a></body></html>")
    srv.redirect(WWW, "/old/zwgk/2019/t123.html", u(WWW, "/"))
    gbk = ('<html><head><meta charset="utf-8"><title>政务公开</title></head><body>'
           '<a href="/zwgk.html">政务公开目录</a><p>' + "信息公开指南。" * 30 + "</p></body></html>")
    srv.raw(WWW, "/gbk.html", 200, "text/html; charset=utf-8", gbk.encode("gbk"))
    srv.html(WWW, "/zwgk.html", page("目录", "目录"))
    srv.html(WWW, "/waf.html", "<html><head><title>安全狗</title></head><body>您的访问被网站防火墙"
             "拦截，请开启JavaScript后重试（安全狗）</body></html>", status=403)
    srv.raw(WWW, "/files/report.pdf", 200, "application/pdf", b"%PDF-1.4 " + b"x" * 200_000)
    srv.raw(WWW, "/img/logo.png", 200, "image/png", b"\x89PNG fake")
    srv.html(OUT, "/out.html", page("外部", f'<a href="{u(OUT, "/secret.html")}">别跟我</a>'))
    srv.html(OUT, "/secret.html", page("秘密", "不应被访问"))
    srv.html(OTHER, "/", page("部门", "部门网站"))


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    srv = SiteServer()
    srv.thread.start()
    dead_port = closed_port()
    build_site(srv, dead_port)
    site = SiteRef(code="3701000001", name="石市人民政府", homepage=srv.url(WWW, "/"),
                   kind=SiteKind.PORTAL, hosts=(WWW, "shishi.gov.cn"))
    options = CollectOptions(
        resolve={WWW: "127.0.0.1", OTHER: "127.0.0.1", OUT: "127.0.0.1",
                 "refused.example.cn": "127.0.0.1"}, **FAST)
    out, summary = run_collect(tmp_path_factory.mktemp("crawl"), [site], options)
    yield srv, out, summary
    srv.httpd.shutdown()
    srv.httpd.server_close()


def _by_path(out: Path, host: str, path: str) -> list:
    return [c for c in read_link_checks(out)
            if c.url.split("//", 1)[1].split(":")[0] == host
            and "/" + c.url.split("//", 1)[1].split("/", 1)[1] == path]


def test_failure_classes(crawled):
    _, out, _ = crawled
    expect = {
        (WWW, "/a.html"): (200, None),
        (WWW, "/missing.html"): (404, LinkFailure.HTTP_4XX),
        (WWW, "/err.html"): (500, LinkFailure.HTTP_5XX),
        (WWW, "/loop1.html"): (None, LinkFailure.REDIRECT_LOOP),
        (WWW, "/soft.html"): (200, LinkFailure.SOFT_404),
        (WWW, "/old/zwgk/2019/t123.html"): (200, LinkFailure.SOFT_404),
        (WWW, "/waf.html"): (403, LinkFailure.BLOCKED),
        ("dead.example.cn", "/x.html"): (None, LinkFailure.DNS),
        ("refused.example.cn", "/"): (None, LinkFailure.REFUSED),
        (OUT, "/out.html"): (200, None),
        (OTHER, "/"): (200, None),
        (WWW, "/files/report.pdf"): (200, None),
        (WWW, "/files/missing.docx"): (404, LinkFailure.HTTP_4XX),
        (WWW, "/img/logo.png"): (200, None),
        (WWW, "/img/broken.png"): (404, LinkFailure.HTTP_4XX),
    }
    for (host, path), (status, failure) in expect.items():
        found = _by_path(out, host, path)
        assert found, (host, path)
        for c in found:
            assert (c.status, c.failure) == (status, failure), c


def test_link_classes_kinds_and_skips(crawled):
    _, out, _ = crawled
    checks = list(read_link_checks(out))
    kinds = {c.url.rsplit("/", 1)[-1]: (c.link_class, c.resource_kind) for c in checks}
    assert kinds["report.pdf"] == (LinkClass.IN_SITE, ResourceKind.ATTACHMENT)
    assert kinds["broken.png"] == (LinkClass.IN_SITE, ResourceKind.IMAGE)
    assert kinds["out.html"] == (LinkClass.OUTBOUND, ResourceKind.PAGE)
    assert _by_path(out, OTHER, "/")[0].link_class is LinkClass.SAME_DOMAIN
    assert _by_path(out, "dead.example.cn", "/x.html")[0].link_class is LinkClass.OUTBOUND
    assert not [c for c in checks if c.url.startswith(("mailto:", "javascript:")) or "#" in c.url]
    # the fragment link counts as a link to /a.html; texts are kept
    home_a = [c for c in _by_path(out, WWW, "/a.html") if c.parent_url.endswith("/")]
    assert {c.text for c in home_a} == {"政务动态", "政务动态第二段"}
    assert [c.text for c in _by_path(out, WWW, "/img/broken.png")] == ["坏图"]


def test_one_check_per_link_per_page_and_one_fetch_per_target(crawled):
    srv, out, _ = crawled
    missing = _by_path(out, WWW, "/missing.html")
    assert len(missing) == 2 and len({c.parent_url for c in missing}) == 2
    assert srv.requested(WWW, "/missing.html") == 1  # crawled once, never re-checked
    # in-site office attachments are fetched once with GET and archived; images get HEAD
    assert srv.hits[("GET", WWW, "/files/report.pdf")] == 1
    assert srv.hits[("HEAD", WWW, "/files/report.pdf")] == 0
    assert srv.hits[("HEAD", WWW, "/img/logo.png")] == 1
    assert srv.hits[("GET", WWW, "/img/logo.png")] == 0


def test_attachments_archived_in_warc(crawled):
    _, out, summary = crawled
    rows = {r["url"].rsplit("/", 1)[-1]: r for r in read_attachment_lines(out)}
    assert sorted(rows) == ["missing.docx", "report.pdf"]  # the png is only checked
    assert rows["missing.docx"]["failure"] == "http_4xx"
    row = rows["report.pdf"]
    assert row["status"] == 200 and row["content_type"] == "application/pdf"
    assert row["length"] == len(b"%PDF-1.4 ") + 200_000 and not row["truncated"]
    with open(out / "warc" / row["warc_file"], "rb") as fh:
        fh.seek(row["warc_offset"])
        record = next(iter(ArchiveIterator(fh)))
        assert record.rec_headers.get_header("WARC-Target-URI") == row["final_url"]
        assert record.content_stream().read().startswith(b"%PDF-1.4 xxx")
    assert summary["sites"]["3701000001"]["attachments"] == 2


def test_only_site_hosts_are_crawled(crawled):
    srv, out, _ = crawled
    assert srv.requested(OUT, "/secret.html") == 0
    assert srv.hits[("GET", OUT, "/out.html")] == 0  # status checked with HEAD only
    crawled_hosts = {c.final_url.split("//")[1].split(":")[0] for c in read_captures(out)}
    assert crawled_hosts == {WWW}
    assert srv.requested(OTHER, "/") == 1


def test_gbk_page_labelled_utf8(crawled):
    _, out, _ = crawled
    texts = [c.text for c in _by_path(out, WWW, "/zwgk.html")]
    assert texts == ["政务公开目录"]
    row = next(r for r in read_capture_lines(out) if r["final_url"].endswith("/gbk.html"))
    assert row["declared_charset"] == "utf-8"
    assert row["detected_charset"] == "gb18030"
    assert row["title"] == "政务公开"


def test_warc_offsets_round_trip(crawled):
    _, out, summary = crawled
    captures = list(read_captures(out))
    assert len(captures) == summary["pages_total"] >= 8
    for cap in captures:
        with open(out / "warc" / cap.warc_file, "rb") as fh:
            fh.seek(cap.warc_offset)
            record = next(iter(ArchiveIterator(fh)))
            assert record.rec_type == "response"
            assert record.rec_headers.get_header("WARC-Target-URI") == cap.final_url
            assert record.http_headers.get_statuscode() == str(cap.status)
            assert record.rec_headers.get_header("WARC-Payload-Digest") == cap.digest
    with open(out / "warc" / captures[0].warc_file, "rb") as fh:
        types = [r.rec_type for r in ArchiveIterator(fh)]
    assert types.count("request") == types.count("response")


def test_summary(crawled):
    _, out, summary = crawled
    site = summary["sites"]["3701000001"]
    assert site["homepage_status"] == 200
    assert site["broken_links"] == sum(1 for c in read_link_checks(out) if c.broken)
    assert site["blocked_links"] == 1
    assert not site["page_cap_hit"]
    assert summary["warc_files"] == ["govinspect-00000.warc.gz"]
    assert load_sites(out.parent / "sites.json")[0].hosts == (WWW, "shishi.gov.cn")


def test_page_cap_and_warc_rotation(site_server, tmp_path):
    srv = site_server
    for i in range(30):
        nxt = "".join(f'<a href="/p{j}.html">第{j}页</a>' for j in (i + 1, i + 2))
        srv.html(WWW, "/" if i == 0 else f"/p{i}.html", page(f"第{i}页", nxt))
    site = SiteRef(code="3701000002", name="测试站", homepage=srv.url(WWW, "/"),
                   kind=SiteKind.DEPARTMENT, hosts=(WWW,))
    options = CollectOptions(resolve={WWW: "127.0.0.1"}, max_pages_per_site=5,
                             warc_max_bytes=3000, **FAST)
    out, summary = run_collect(tmp_path, [site], options)
    captures = list(read_captures(out))
    assert len(captures) == 5
    s = summary["sites"]["3701000002"]
    assert s["page_cap_hit"] and s["pages"] == 5
    assert any("上限" in n for n in summary["notes"])
    assert len(summary["warc_files"]) > 1  # rotated by size
    assert {c.warc_file for c in captures} <= set(summary["warc_files"])
    # pages beyond the cap are not crawled but their links still get a status (HEAD)
    assert srv.hits[("GET", WWW, "/p8.html")] == 0
    assert all(c.status == 200 for c in read_link_checks(out))


def test_private_addresses_refused_unless_allowed(site_server, tmp_path):
    srv = site_server
    srv.html(WWW, "/", page("首页", "x"))
    site = SiteRef(code="3701000003", name="测试站", homepage=srv.url(WWW, "/"),
                   kind=SiteKind.PORTAL, hosts=(WWW,))
    options = CollectOptions(resolve={WWW: "127.0.0.1"}, **{**FAST, "allow_private": False})
    out, summary = run_collect(tmp_path, [site], options)
    assert srv.requested(WWW, "/") == 0
    assert summary["sites"]["3701000003"]["homepage_failure"] == "other"
    assert summary["pages_total"] == 0


def test_timeout_retry_after_and_progress(site_server, tmp_path):
    import time

    srv = site_server
    srv.html(WWW, "/", page("首页", '<a href="/slow.html">慢</a><a href="/flaky.html">忙</a>'))
    slow_html = page("慢", "慢").encode()

    def slow(command: str):
        time.sleep(1.5)
        return 200, {"Content-Type": "text/html; charset=utf-8"}, slow_html

    flaky_times: list[float] = []

    def flaky(command: str):
        flaky_times.append(time.monotonic())
        if len(flaky_times) == 1:
            return 503, {"Retry-After": "1", "Content-Type": "text/plain"}, b"busy"
        return 200, {"Content-Type": "text/html; charset=utf-8"}, page("忙", "好了").encode()

    srv.routes[(WWW, "/slow.html")] = slow
    srv.routes[(WWW, "/flaky.html")] = flaky
    site = SiteRef(code="3701000004", name="测试站", homepage=srv.url(WWW, "/"),
                   kind=SiteKind.PORTAL, hosts=(WWW,))
    options = CollectOptions(resolve={WWW: "127.0.0.1"}, **{**FAST, "timeout_s": 0.5})
    sites_json = tmp_path / "sites.json"
    sites_json.write_text(sites_to_json([site]), encoding="utf-8")
    opts_json = tmp_path / "options.json"
    opts_json.write_text(json.dumps(options.to_dict()), encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "govinspect.collect", str(sites_json),
                           str(tmp_path / "out"), "--options", str(opts_json)],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert "采集完成：页面" in proc.stderr  # progress events reach the CLI
    checks = {c.url.rsplit("/", 1)[-1]: c for c in read_link_checks(tmp_path / "out")}
    assert (checks["slow.html"].status, checks["slow.html"].failure) == (None, LinkFailure.TIMEOUT)
    assert (checks["flaky.html"].status, checks["flaky.html"].failure) == (200, None)
    assert len(flaky_times) == 2 and flaky_times[1] - flaky_times[0] >= 0.9  # Retry-After


def test_bad_input_gives_chinese_error(tmp_path):
    bad = tmp_path / "sites.json"
    bad.write_text('[{"code": "1", "homepage": "ftp://x"}]', encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "govinspect.collect", str(bad),
                           str(tmp_path / "out")], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert "首页地址无效" in proc.stderr and "Traceback" not in proc.stderr
    assert not (tmp_path / "out").exists()
