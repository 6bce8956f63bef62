"""A collect against a hostile server (issue 16): every fault ends as a recorded fault or
fact, the collect finishes (bounded waits, no wall-clock thresholds), memory stays bounded,
nothing outside the roster is archived as a site's page.

Faults served: a slowloris homepage (headers and body one byte at a time, without end), a
gzip bomb (1 GiB of zeros from ~1 MB), a results page of 10 MB gzip (inflating past 1 GB), a
page of 1,000,000 links, whitespace-only HTML, malformed IPv6 hrefs in a hidden block,
mailto:/javascript:/ftp:/file: links, a redirect to file:///etc/passwd, an in-site page
redirected (302 and meta refresh) out of the roster, a homepage redirected out of the roster.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections import Counter

import pytest
from hostile_server import HostileServer, gzip_bomb, gzip_members
from proctree import PeakTreeRss
from warcio.archiveiterator import ArchiveIterator

from govinspect.collect.crawl import sites_to_json
from govinspect.collect.options import CollectOptions
from govinspect.collect.store import (
    read_capture_lines,
    read_faults,
    read_other_links,
    read_search,
)
from govinspect.core.types import SiteKind, SiteRef

SLOW, BAD, MOVED, OK = "www.slow.gov.cn", "www.bad.gov.cn", "www.moved.gov.cn", "www.ok.gov.cn"
AWAY = "www.elsewhere.example.com"  # not in the roster
FILLER = "<p>" + "为切实做好今年春季森林防火工作，现就有关事项通知如下。" * 20 + "</p>"


def page(title: str, body: str) -> str:
    return (f"<html><head><meta charset='utf-8'><title>{title}</title></head>"
            f"<body>{body}{FILLER}</body></html>")


ARTICLE = page("关于做好2026年春季森林防火工作的通知_石市人民政府",
               "<h1>关于做好2026年春季森林防火工作的通知</h1>"
               "<div>发布日期：2026-03-02 来源：石市应急管理局</div>")


def build(srv: HostileServer) -> list[SiteRef]:
    srv.drip(SLOW, "/")
    srv.html(BAD, "/", page("石市坏站", (
        '<form action="/search" method="get"><input type="text" name="searchword">'
        '<input type="submit" value="搜索"></form>'
        '<a href="/blank.html">空白页</a><a href="/bomb.html">压缩炸弹</a>'
        '<a href="/links.html">一百万个链接</a><a href="/v6.html">坏地址</a>'
        '<a href="/to-file.html">跳到本地文件</a><a href="/away.html">跳出名单</a>'
        '<a href="/refresh.html">刷新跳出</a>'
        '<a href="/art/2026/3/2/art_12_3456.html">关于做好2026年春季森林防火工作的通知</a>')))
    srv.html(BAD, "/art/2026/3/2/art_12_3456.html", ARTICLE)
    srv.html(BAD, "/blank.html", " \r\n\t  \n" * 50)
    srv.raw(BAD, "/bomb.html", 200, {"Content-Type": "text/html; charset=utf-8",
                                     "Content-Encoding": "gzip"}, gzip_bomb())
    srv.html(BAD, "/links.html", "<html><body>" + "".join(
        f"<a href=/l/{i}>.</a>" for i in range(1_000_000)) + "</body></html>")
    srv.html(BAD, "/v6.html", page("坏地址", (
        '<div style="display:none"><a href="http://[fe80::1">隐藏</a>'
        '<a href="http://[::1">又一个</a><a href="http://a]b/">再一个</a></div>'
        '<a href="mailto:zwgk@bad.gov.cn">信箱</a><a href="javascript:void(0)">脚本</a>'
        '<a href="ftp://ftp.bad.gov.cn/pub/">文件服务</a><a href="file:///etc/passwd">本地</a>'
        '<a href="/art/2026/3/2/art_12_3456.html">正常链接</a>')))
    srv.redirect(BAD, "/to-file.html", "file:///etc/passwd")
    srv.redirect(BAD, "/away.html", f"http://{AWAY}:{srv.port}/landing.html")
    srv.html(BAD, "/refresh.html", page("刷新", "") .replace(
        "<head>", f'<head><meta http-equiv="refresh" content="0; url=http://{AWAY}:{srv.port}/r.html">'))
    # The search answers 10 MB of gzip that inflates past 1 GB of result rows
    rows = "".join(f'<li><a href="/art/x{i}.html">关于做好第{i}项工作的通知</a>'
                   f'<span>政策文件</span></li>' for i in range(8000)).encode()
    results = gzip_members(b"<html><body><ul>" + rows, 1)
    body = results * max(1, (10 << 20) // len(results))
    srv.raw(BAD, "/search", 200, {"Content-Type": "text/html; charset=utf-8",
                                  "Content-Encoding": "gzip"}, body)
    srv.redirect(MOVED, "/", f"http://{AWAY}:{srv.port}/")
    for path in ("/", "/landing.html", "/r.html"):
        srv.html(AWAY, path, page("别人的网站", "不是名单里的网站"))
    srv.html(OK, "/", page("正常站", '<a href="/a.html">通知</a><a href="/b.html">公告</a>'))
    srv.html(OK, "/a.html", page("通知", "正文"))
    srv.html(OK, "/b.html", page("公告", "正文"))
    return [SiteRef(code=f"36990000{k:02d}", name=f"站{k}", homepage=srv.url(h, "/"),
                    kind=SiteKind.DEPARTMENT, hosts=(h,))
            for k, h in enumerate((SLOW, BAD, MOVED, OK))]


@pytest.fixture
def hostile():
    srv = HostileServer()
    yield srv
    srv.close()


@pytest.mark.slow
def test_collect_against_a_hostile_server_records_every_fault(hostile, tmp_path):
    srv = hostile
    sites = build(srv)
    resolve = {h: "127.0.0.1" for h in (SLOW, BAD, MOVED, OK, AWAY)}
    options = CollectOptions(
        resolve=resolve, allow_private=True, download_delay=0.0, autothrottle=False,
        obey_robots=False, timeout_s=3.0, retry_times=1, retry_backoff_s=0.05,
        per_host_concurrency=2, https_port=1, workers=2, sample_seed="hostile",
        max_pages_per_site=200)  # the million links are in-site pages: a cap keeps it short
    (tmp_path / "sites.json").write_text(sites_to_json(sites), encoding="utf-8")
    (tmp_path / "options.json").write_text(json.dumps(options.to_dict()), encoding="utf-8")
    proc = subprocess.Popen(
        [sys.executable, "-m", "govinspect.collect", str(tmp_path / "sites.json"),
         str(tmp_path / "out"), "--options", str(tmp_path / "options.json"), "--quiet"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    rss = PeakTreeRss(proc.pid)
    done = threading.Event()
    result: dict = {}

    def wait() -> None:
        _, status, usage = os.wait4(proc.pid, 0)
        result.update(status=status, maxrss=usage.ru_maxrss / 1024)
        done.set()

    threading.Thread(target=wait, daemon=True).start()
    assert done.wait(600), "the collect did not finish"  # generous bound: a hang fails here
    tree_peak = rss.stop()
    err = proc.stderr.read().decode("utf-8", "replace")
    assert os.waitstatus_to_exitcode(result["status"]) == 0, err
    assert "Traceback" not in err, err
    # Memory: the largest process (wait4) and the whole tree (sampled) stay bounded
    print(f"peak RSS: largest process {result['maxrss']:.0f} MB, process tree {tree_peak:.0f} MB")
    assert result["maxrss"] < 500 and tree_peak < 500, (result["maxrss"], tree_peak)

    out = tmp_path / "out"
    faults = read_faults(out)
    by_kind = Counter((f["site_code"][-2:], f["kind"]) for f in faults)
    url = {f["kind"]: f for f in faults}
    # Slowloris homepage: the page's deadline, then the transport probe's
    assert by_kind[("00", "page_failed")] == 1 and url["page_failed"]["failure"] == "timeout"
    assert ("00", "transport_probe") in by_kind
    # Hostile pages of a roster site
    kinds = {f["kind"]: f for f in faults if f["site_code"].endswith("01")}
    assert kinds["empty_html"]["url"].endswith("/blank.html")
    cut = {f["url"].rsplit("/", 1)[1]: f["reason"] for f in faults if f["kind"] == "body_cut"}
    assert cut["bomb.html"] == "decoded_cap"  # the gzip bomb stops at the cap
    # A page fault's evidence is its capture's WARC record (renamed with the worker's files)
    bomb = next(f for f in faults if f["kind"] == "body_cut" and f["url"].endswith("bomb.html"))
    with open(out / "warc" / bomb["warc_file"], "rb") as fh:
        fh.seek(bomb["warc_offset"])
        record = next(iter(ArchiveIterator(fh)))
        assert record.rec_headers.get_header("WARC-Target-URI") == bomb["url"]
        assert len(record.content_stream().read(1 << 20)) == 1 << 20  # read back capped
    assert kinds["links_cut"]["url"].endswith("/links.html")
    assert kinds["parse_cut"]["url"].endswith("/links.html")
    assert kinds["non_http_redirect"]["target"] == "file:///etc/passwd"
    assert kinds["invalid_link"]["parent_url"].endswith("/v6.html")
    assert kinds["search_probe"]["truncated"] is True
    offsite = [f for f in faults if f["kind"] == "offsite_redirect"]
    assert {f["url"].rsplit("/", 1)[1] for f in offsite} == {"away.html", "refresh.html", ""}
    assert all(AWAY in f["target"] for f in offsite)
    # The homepage that leaves the roster: a fact with the target, not a capture
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    moved = summary["sites"]["3699000002"]
    assert moved["homepage_redirect"] == f"http://{AWAY}:{srv.port}/"
    assert moved["pages"] == 0 and moved["homepage_failure"] == "other"
    home = next(f for f in offsite if f["homepage"])
    assert home["site_code"] == "3699000002" and home["first_status"] == 302
    assert any("名单以外" in n for n in summary["notes"])
    captures = list(read_capture_lines(out))
    assert not [c for c in captures if AWAY in c["final_url"]]  # nothing off-roster archived
    # Non-HTTP and invalid links: their own class
    others = {(o["link_class"], o["scheme"]) for o in read_other_links(out)}
    assert {("non_http", "mailto"), ("non_http", "javascript"), ("non_http", "ftp"),
            ("non_http", "file"), ("invalid", "")} <= others
    # The search facts of the site with the 10 MB results page are kept
    search = read_search(out)["3699000001"]
    assert search["form_found"] is True and search["queries"]
    assert search["queries"][0]["status"] == 200 and search["queries"][0]["truncated"]
    # The clean site is collected as if the others were not there
    ok = sorted(c["url"].rsplit("/", 1)[1] for c in captures if c["site_code"] == "3699000003")
    assert ok == ["", "a.html", "b.html"]
    assert summary["sites"]["3699000003"]["faults"] == 0
