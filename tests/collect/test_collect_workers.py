"""Issue 4: several worker processes (sites sharded across them) give the same collect
folder as one process, and a SIGKILL of the parent loses and duplicates nothing."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from collections import Counter
from pathlib import Path

import pytest
from test_collect_resume import FAST, page, run, write_inputs

from govinspect.collect.options import CollectOptions
from govinspect.collect.shards import plan_shards
from govinspect.collect.store import (
    read_attachments,
    read_capture_body,
    read_capture_lines,
    read_captures,
    read_link_checks,
)
from govinspect.core.types import SiteKind, SiteRef

HOSTS = ["www.a.gov.cn", "www.b.gov.cn", "www.c.gov.cn"]


def test_plan_shards_deals_sites_round_robin():
    codes = [f"34110000{k:02d}" for k in range(7)]
    assert plan_shards(codes, 3) == [codes[0::3], codes[1::3], codes[2::3]]
    assert plan_shards(codes[:2], 4) == [[codes[0]], [codes[1]]]  # never an empty shard
    assert plan_shards(codes, 1) == [codes]
    assert sorted(c for shard in plan_shards(codes, 2) for c in shard) == codes


def build_sites(srv, n: int, delay: float = 0.0) -> list[SiteRef]:
    sites = []
    for s, host in enumerate(HOSTS):
        for i in range(n):
            links = "".join(f'<a href="/p{j}.html">第{j}页</a>' for j in (2 * i + 1, 2 * i + 2)
                            if j < n)
            links += (f'<a href="/files/f{i % 3}.pdf">附件</a><a href="/gone{i % 2}.html">死链</a>'
                      # one outbound target shared by every site (checked once per worker)
                      f'<a href="http://www.gov.cn/">中国政府网</a>')
            body = page(f"站{s}第{i}页", links).encode()

            def answer(command: str, body: bytes = body):
                time.sleep(delay)
                return 200, {"Content-Type": "text/html; charset=utf-8"}, body

            srv.routes[(host, "/" if i == 0 else f"/p{i}.html")] = answer
        for k in range(3):
            srv.raw(host, f"/files/f{k}.pdf", 200, "application/pdf", b"%PDF-1.4 " + b"z" * 900)
        sites.append(SiteRef(code=f"34110000{s:02d}", name=f"站{s}", homepage=srv.url(host, "/"),
                             kind=SiteKind.DEPARTMENT, hosts=(host,)))
    return sites


def resolve() -> dict[str, str]:
    return {**{h: "127.0.0.1" for h in HOSTS}, "www.gov.cn": "127.0.0.1"}


def folder_facts(out: Path, port: int) -> tuple[set, set, set]:
    caps = {(c.site_code, c.url.split(str(port), 1)[1], c.status) for c in read_captures(out)}
    links = {(c.site_code, c.parent_url.split(str(port), 1)[1], c.url.split("//", 1)[1],
              c.status, c.failure) for c in read_link_checks(out)}
    atts = {(a.site_code, a.url.split(str(port), 1)[1]) for a in read_attachments(out)}
    return caps, links, atts


@pytest.mark.slow
def test_two_workers_give_the_folder_of_one_process(site_server, tmp_path):
    srv = site_server
    sites = build_sites(srv, 30)
    one = tmp_path / "one"
    one.mkdir()
    two = tmp_path / "two"
    two.mkdir()
    base = dict(FAST, resolve=resolve())
    r1 = run(write_inputs(one, sites, CollectOptions(**base, workers=1)))
    r2 = run(write_inputs(two, sites, CollectOptions(**base, workers=2)))
    assert r1.returncode == 0 and r2.returncode == 0, (r1.stderr, r2.stderr)
    a, b = one / "out", two / "out"
    assert folder_facts(a, srv.port) == folder_facts(b, srv.port)
    assert len(folder_facts(b, srv.port)[0]) == 3 * (30 + 2)  # pages + 2 dead pages each
    s1 = json.loads((a / "summary.json").read_text(encoding="utf-8"))
    s2 = json.loads((b / "summary.json").read_text(encoding="utf-8"))
    for key in ("pages_total", "link_checks_total"):
        assert s1[key] == s2[key]
    for code in s1["sites"]:
        for key in ("pages", "link_checks", "broken_links", "attachments"):
            assert s1["sites"][code][key] == s2["sites"][code][key], (code, key)
    # WARC files of both workers, under their merged names; every capture reads back
    assert sorted(s2["warc_files"]) == sorted(p.name for p in (b / "warc").iterdir())
    assert {n.split("-")[1] for n in s2["warc_files"]} == {"w00", "w01"}
    for cap in read_captures(b):
        headers, body = read_capture_body(b, cap)
        assert cap.url.endswith(".html") or cap.url.endswith("/")
        assert body.startswith(b"<html>") or cap.status == 404
    assert not (b / "shards").exists() and not (b / "workers.json").exists()
    # The outbound target shared by all sites: checked by each worker, not by each site
    assert srv.requested("www.gov.cn", "/") <= 2 * 2  # ≤ workers × (HEAD + GET fallback)


@pytest.mark.slow
def test_sigkill_of_the_parent_then_resume(site_server, tmp_path):
    srv = site_server
    n = 80
    sites = build_sites(srv, n, delay=0.02)
    cmd = write_inputs(tmp_path, sites, CollectOptions(**dict(FAST, resolve=resolve()),
                                                       workers=2, total_concurrency=4))
    out = tmp_path / "out"
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    parts = [out / "shards" / f"{k:02d}" / "captures.jsonl.part" for k in (0, 1)]
    while time.monotonic() < deadline:
        if sum(p.read_bytes().count(b"\n") for p in parts if p.exists()) >= 60:
            break
        time.sleep(0.01)
    os.kill(proc.pid, signal.SIGKILL)  # the parent only: its children must die with it
    proc.wait()
    time.sleep(0.5)
    hits = sum(srv.hits.values())
    time.sleep(0.5)
    assert sum(srv.hits.values()) == hits, "a worker outlived its parent"
    assert not (out / "summary.json").exists()

    again = run(cmd)  # the same command continues every unfinished shard
    assert again.returncode == 0, again.stderr
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    urls = Counter((r["site_code"], r["url"].split(str(srv.port), 1)[1])
                   for r in read_capture_lines(out))
    expected = {(s.code, p) for s in sites for p in
                ["/", *(f"/p{i}.html" for i in range(1, n)), "/gone0.html", "/gone1.html"]}
    assert set(urls) == expected  # zero lost
    assert max(urls.values()) == 1  # zero captured twice
    assert summary["pages_total"] == len(expected) and summary["resumed"] == 1
    rows = Counter((c.site_code, c.parent_url.split(str(srv.port), 1)[1])
                   for c in read_link_checks(out))
    for s in sites:
        for i in range(n):
            children = sum(1 for j in (2 * i + 1, 2 * i + 2) if j < n)
            assert rows[(s.code, "/" if i == 0 else f"/p{i}.html")] == children + 3
