"""Crawl throughput without losing politeness: the per-host limit holds with the default total
concurrency, and kept-alive connections are reused (issue 4's benchmark)."""

from __future__ import annotations

import threading
import time

import pytest
from test_crawl import WWW, page, run_collect

from govinspect.collect.options import CollectOptions
from govinspect.collect.store import read_captures
from govinspect.core.types import SiteKind, SiteRef


@pytest.mark.slow
def test_per_host_limit_and_connection_reuse(site_server, tmp_path):
    srv = site_server
    n = 200
    for i in range(n):
        links = "".join(f'<a href="/p{j}.html">第{j}页</a>'
                        for j in (2 * i + 1, 2 * i + 2, (i * 7) % n or 1) if 0 < j < n)
        srv.html(WWW, "/" if i == 0 else f"/p{i}.html", page(f"第{i}页", links))
    lock = threading.Lock()
    seen = {"connections": 0, "in_flight": 0, "peak": 0}
    base = srv.httpd.RequestHandlerClass

    class Counting(base):
        def setup(self):  # one per accepted TCP connection
            with lock:
                seen["connections"] += 1
            super().setup()

        def do_GET(self):  # noqa: N802
            with lock:
                seen["in_flight"] += 1
                seen["peak"] = max(seen["peak"], seen["in_flight"])
            time.sleep(0.003)  # long enough for requests to overlap if the limit leaks
            try:
                super().do_GET()
            finally:
                with lock:
                    seen["in_flight"] -= 1

    srv.httpd.RequestHandlerClass = Counting
    site = SiteRef(code="3701000009", name="测试站", homepage=srv.url(WWW, "/"),
                   kind=SiteKind.DEPARTMENT, hosts=(WWW,))
    # Default total concurrency (64): the per-host limit alone must hold a single site.
    options = CollectOptions(resolve={WWW: "127.0.0.1"}, allow_private=True, download_delay=0.0,
                             autothrottle=False, obey_robots=False, per_host_concurrency=2,
                             retry_times=0, probe_transport=False)
    out, summary = run_collect(tmp_path, [site], options)
    assert summary["pages_total"] == n
    assert len(list(read_captures(out))) == n
    assert seen["peak"] <= 2, seen
    # A handful of kept-alive connections serve all 200 pages, not one each.
    assert seen["connections"] <= 6, seen
