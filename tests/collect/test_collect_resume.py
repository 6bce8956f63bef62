"""Issue 4: resume after kill -9, crawler traps, Retry-After as an HTTP date, transport facts
(HTTPS, certificates, HSTS, redirect, IPv6) — each against a local server the test starts."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest
from collect_server import SiteServer

from govinspect.collect.crawl import sites_to_json
from govinspect.collect.options import CollectOptions
from govinspect.collect.store import read_capture_lines, read_captures, read_link_checks
from govinspect.core.types import SiteKind, SiteRef

pytestmark = pytest.mark.slow  # every test here runs a real crawl in a fresh process

WWW = "www.shishi.gov.cn"
FAST = dict(download_delay=0.0, autothrottle=False, allow_private=True, obey_robots=False,
            timeout_s=5.0, retry_times=1, retry_backoff_s=0.05, per_host_concurrency=2,
            probe_transport=False)


def page(title: str, body: str) -> str:
    return (f"<html><head><meta charset=\"utf-8\"><title>{title}</title></head>"
            f"<body>{body}<p>{'石市人民政府办公室主办。' * 30}</p></body></html>")


def write_inputs(tmp: Path, sites: list[SiteRef], options: CollectOptions) -> list[str]:
    (tmp / "sites.json").write_text(sites_to_json(sites), encoding="utf-8")
    (tmp / "options.json").write_text(json.dumps(options.to_dict()), encoding="utf-8")
    return [sys.executable, "-m", "govinspect.collect", str(tmp / "sites.json"),
            str(tmp / "out"), "--options", str(tmp / "options.json"), "--quiet"]


def run(cmd: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120)


def site(srv: SiteServer, code: str = "3701000009") -> SiteRef:
    return SiteRef(code=code, name="测试站", homepage=srv.url(WWW, "/"), kind=SiteKind.PORTAL,
                   hosts=(WWW,))


# --- resume after kill -9 --------------------------------------------------------------------

def test_resume_after_sigkill_loses_and_duplicates_nothing(site_server, tmp_path):
    srv = site_server
    n = 240
    for i in range(n):
        links = "".join(f'<a href="/p{j}.html">第{j}页</a>' for j in (2 * i + 1, 2 * i + 2)
                        if j < n)
        links += f'<a href="/files/f{i % 7}.pdf">附件</a><a href="/gone{i % 5}.html">死链</a>'
        body = page(f"第{i}页", links).encode()

        def slow(command: str, body: bytes = body):
            time.sleep(0.02)  # long enough to kill in the middle, short enough to be fast
            return 200, {"Content-Type": "text/html; charset=utf-8"}, body

        srv.routes[(WWW, "/" if i == 0 else f"/p{i}.html")] = slow
    for k in range(7):
        srv.raw(WWW, f"/files/f{k}.pdf", 200, "application/pdf", b"%PDF-1.4 " + b"y" * 3000)
    # total_concurrency bounds the requests Scrapy has out (sent, answer not yet through the
    # downloader middlewares): those are the pages a kill can force to be fetched again.
    options = CollectOptions(resolve={WWW: "127.0.0.1"}, **{**FAST, "total_concurrency": 4})
    cmd = write_inputs(tmp_path, [site(srv)], options)
    out = tmp_path / "out"
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        part = out / "captures.jsonl.part"
        if part.exists() and part.read_bytes().count(b"\n") >= 60:
            break
        time.sleep(0.01)
    os.kill(proc.pid, signal.SIGKILL)  # a real SIGKILL of a real crawl process
    proc.wait()
    time.sleep(0.5)  # requests the crawler had sent may reach the server just after the kill
    first = sum(1 for _ in open(out / "captures.jsonl.part", "rb"))
    with open(out / "captures.jsonl.part", encoding="utf-8") as fh:
        committed = {json.loads(line)["url"].split(str(srv.port), 1)[1] for line in fh
                     if line.endswith("\n")}
    in_flight = {p for (_, _, p) in srv.hits} - committed  # requested, not yet written
    assert 60 <= first < n and not (out / "summary.json").exists()

    hits1 = Counter(srv.hits)
    again = run(cmd)  # the same command continues the crawl
    hits2 = Counter(srv.hits) - hits1
    assert again.returncode == 0, again.stderr
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    urls = [r["url"] for r in read_capture_lines(out)]
    paths = Counter(u.split(str(srv.port), 1)[1] for u in urls)
    expected = {"/"} | {f"/p{i}.html" for i in range(1, n)} | {f"/gone{k}.html" for k in range(5)}
    assert set(paths) == expected  # zero lost
    assert max(paths.values()) == 1  # zero captured twice
    assert summary["pages_total"] == n + 5 and summary["resumed"] == 1
    # The server saw each page once across both runs, except those in flight at the kill:
    # requested but not answered yet. Pages answered and archived but not yet written to
    # captures.jsonl are parsed from the WARC on resume, not fetched again.
    twice = {p for p in expected if srv.requested(WWW, p) > 1}
    assert twice <= in_flight, twice - in_flight
    assert len(twice) <= options.total_concurrency, (twice, len(in_flight))
    assert not {p for (_, _, p) in hits2} & committed  # nothing committed is fetched again
    assert max(hits2.values()) == 1  # and the second run fetches each URL once
    # Every WARC reference still points at its record; every link got its status once per page
    for cap in read_captures(out):
        assert cap.warc_offset >= 0
    from warcio.archiveiterator import ArchiveIterator
    for name in summary["warc_files"]:
        with open(out / "warc" / name, "rb") as fh:
            assert sum(1 for _ in ArchiveIterator(fh)) > 0  # readable to the end
    # Each page's links appear exactly once each (none lost, none doubled by the re-fetch)
    rows = Counter(c.parent_url.split(str(srv.port), 1)[1] for c in read_link_checks(out))
    for i in range(n):
        children = sum(1 for j in (2 * i + 1, 2 * i + 2) if j < n)
        assert rows["/" if i == 0 else f"/p{i}.html"] == children + 2, i
    assert all(c.status is not None for c in read_link_checks(out))
    assert not (out / "journal.jsonl").exists()
    # A finished crawl is refused
    third = run(cmd)
    assert third.returncode == 2 and "已经完成" in third.stderr


def test_different_sites_refused_on_resume(site_server, tmp_path):
    srv = site_server
    out = tmp_path / "out"
    out.mkdir()
    (out / "run.json").write_text(json.dumps({"sites": [], "resumed": 0}), encoding="utf-8")
    (out / "captures.jsonl.part").write_text('{"url": "torn', encoding="utf-8")
    proc = run(write_inputs(tmp_path, [site(srv)], CollectOptions(**FAST)))
    assert proc.returncode == 2 and "清单与本次不同" in proc.stderr
    assert "Traceback" not in proc.stderr


# --- traps -----------------------------------------------------------------------------------

def test_traps_calendar_session_pagination(site_server, tmp_path):
    srv = site_server
    this_year = datetime.now(UTC).year
    srv.html(WWW, "/", page("首页", f'<a href="/hdrl/?date={this_year}-01">活动日历</a>'
                                    '<a href="/news/;jsessionid=AAA1">新闻</a>'
                                    '<a href="/list/?page=1">列表</a>'))
    # Calendar: every month links the previous and the next one, without end.
    for y in range(this_year - 6, this_year + 6):
        for m in range(1, 13):
            prev = (y, m - 1) if m > 1 else (y - 1, 12)
            nxt = (y, m + 1) if m < 12 else (y + 1, 1)
            srv.html(WWW, f"/hdrl/?date={y}-{m:02d}", page(
                f"{y}年{m}月", f'<a href="/hdrl/?date={prev[0]}-{prev[1]:02d}">上月</a>'
                               f'<a href="/hdrl/?date={nxt[0]}-{nxt[1]:02d}">下月</a>'))
    # Session ids: each page links the others with a fresh id.
    for i, name in enumerate(["news/", "news/a.html", "news/b.html"]):
        links = "".join(f'<a href="/{t};jsessionid=S{i}X{k}">链接{k}</a>'
                        for k, t in enumerate(["news/", "news/a.html", "news/b.html"]))
        srv.html(WWW, f"/{name};jsessionid=AAA1" if i == 0 else f"/{name}", page(name, links))
        for k in range(3):
            srv.html(WWW, f"/{name};jsessionid=S{k}X{i}", page(name, links))
    # Endless pagination: 3 real pages, then every page is the same empty list.
    for p in range(1, 60):
        items = "".join(f'<a href="/art/{p}-{k}.html">文章{p}-{k}</a>' for k in range(3)) \
            if p <= 3 else "暂无数据"
        srv.html(WWW, f"/list/?page={p}", page(f"列表第{p}页",
                                               f'{items}<a href="/list/?page={p + 1}">下一页</a>'))
    # No depth cap in the way: the trap guard alone must stop the calendar.
    options = CollectOptions(resolve={WWW: "127.0.0.1"}, max_depth=100, **FAST)
    proc = run(write_inputs(tmp_path, [site(srv)], options))
    assert proc.returncode == 0, proc.stderr
    summary = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    traps = {t["kind"]: t for t in summary["sites"]["3701000009"]["traps"]}
    assert set(traps) == {"calendar", "session", "pagination"}
    assert traps["calendar"]["pattern"].endswith("/hdrl/?date=*") and traps["calendar"]["cut"] == 2
    crawled = [r["url"] for r in read_capture_lines(tmp_path / "out")]
    months = [u for u in crawled if "date=" in u]
    assert len(months) == 12 * 4  # this year ± window (2 past, 1 future)
    assert traps["session"]["cut"] >= 3 and "jsessionid=*" in traps["session"]["pattern"]
    assert sum(1 for u in crawled if "/news/a.html" in u) == 1
    pages = sorted(int(u.rsplit("=", 1)[1]) for u in crawled if "page=" in u)
    assert pages[:3] == [1, 2, 3] and len(pages) <= 6 and traps["pagination"]["cut"] >= 1
    assert any("陷阱" in note for note in summary["notes"])


def test_no_trap_on_an_ordinary_site(site_server, tmp_path):
    srv = site_server
    srv.html(WWW, "/", page("首页", "".join(f'<a href="/list/?page={p}">第{p}页</a>'
                                            for p in range(1, 6))))
    for p in range(1, 6):
        srv.html(WWW, f"/list/?page={p}", page(f"第{p}页", f'<a href="/a{p}.html">文章{p}</a>'))
        srv.html(WWW, f"/a{p}.html", page("文章", "正文"))
    proc = run(write_inputs(tmp_path, [site(srv)], CollectOptions(resolve={WWW: "127.0.0.1"},
                                                                 **FAST)))
    assert proc.returncode == 0, proc.stderr
    summary = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    assert summary["sites"]["3701000009"]["traps"] == []
    assert summary["pages_total"] == 11


# --- Retry-After as an HTTP date ----------------------------------------------------------------

def test_retry_after_http_date(site_server, tmp_path):
    srv = site_server
    srv.html(WWW, "/", page("首页", '<a href="/busy.html">忙</a>'))
    times: list[float] = []

    def busy(command: str):
        times.append(time.time())
        if len(times) == 1:
            when = format_datetime(datetime.now(UTC) + timedelta(seconds=3), usegmt=True)
            return 503, {"Retry-After": when, "Content-Type": "text/plain"}, b"busy"
        return 200, {"Content-Type": "text/html; charset=utf-8"}, page("好了", "好了").encode()

    srv.routes[(WWW, "/busy.html")] = busy
    proc = run(write_inputs(tmp_path, [site(srv)], CollectOptions(resolve={WWW: "127.0.0.1"},
                                                                 **FAST)))
    assert proc.returncode == 0, proc.stderr
    assert len(times) == 2 and times[1] - times[0] >= 1.9  # backoff alone would be 0.05 s
    check = next(c for c in read_link_checks(tmp_path / "out") if c.url.endswith("/busy.html"))
    assert (check.status, check.failure) == (200, None)
