"""kill -9 at random moments, then resume: the collect folder must hold exactly what an
uninterrupted run gives (same captures, links and archived attachments, none lost, none twice).

Used by tests/collect/test_kill_resume.py (a few kills, in ``make test``) and by
bench/bench_kill.py (≥ 10 kills at random moments). The sites are served by the test's own
server on 127.0.0.1; a collect runs as ``python -m govinspect.collect`` with two workers.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from collect_server import SiteServer

from govinspect.collect.crawl import sites_to_json
from govinspect.collect.options import CollectOptions
from govinspect.collect.store import (
    read_attachment_lines,
    read_capture_body,
    read_capture_lines,
    read_captures,
    read_link_checks,
)
from govinspect.core.types import SiteKind, SiteRef

HOSTS = ["www.ka.gov.cn", "www.kb.gov.cn", "www.kc.gov.cn", "www.kd.gov.cn"]
FILLER = "石市人民政府办公室主办。" * 20


def attachment_body(host: str, k: int) -> bytes:
    return b"%PDF-1.4 " + f"{host}-{k}".encode() + b"z" * (20_000 + 997 * k)


@dataclass
class Network:
    """The served sites: ``pages`` per site, each page linking two children, an attachment,
    a dead page and an outbound page. Attachments wait at ``gate`` (set: open) and count who
    is waiting, so a kill can be placed while attachments are in flight."""

    server: SiteServer
    pages: int
    sites: list[SiteRef]
    gate: threading.Event = field(default_factory=threading.Event)
    waiting: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def resolve(self) -> dict[str, str]:
        return {**{h: "127.0.0.1" for h in HOSTS}, "www.gov.cn": "127.0.0.1"}


def build_network(server: SiteServer, pages: int = 40, attachments: int = 6,
                  page_delay: float = 0.01, attachment_delay: float = 0.15) -> Network:
    net = Network(server, pages, [])
    net.gate.set()
    for s, host in enumerate(HOSTS):
        for i in range(pages):
            links = "".join(f'<a href="/p{j}.html">第{j}页 关于政务公开的通知</a>'
                            for j in (2 * i + 1, 2 * i + 2) if j < pages)
            links += (f'<a href="/files/f{i % attachments}.pdf">附件{i % attachments}</a>'
                      f'<a href="/gone{i % 3}.html">已删除</a>'
                      '<a href="http://www.gov.cn/">中国政府网</a>')
            body = (f"<html><head><meta charset='utf-8'><title>站{s}第{i}页</title></head>"
                    f"<body>{links}<p>{FILLER}</p></body></html>").encode()

            def answer(command: str, body: bytes = body):
                time.sleep(page_delay)
                return 200, {"Content-Type": "text/html; charset=utf-8"}, body

            server.routes[(host, "/" if i == 0 else f"/p{i}.html")] = answer
        for k in range(attachments):
            data = attachment_body(host, k)

            def slow(command: str, data: bytes = data):
                with net.lock:
                    net.waiting += 1
                try:
                    net.gate.wait(120)
                    time.sleep(attachment_delay)
                finally:
                    with net.lock:
                        net.waiting -= 1
                return 200, {"Content-Type": "application/pdf"}, data

            server.routes[(host, f"/files/f{k}.pdf")] = slow
        net.sites.append(SiteRef(code=f"35990000{s:02d}", name=f"站{s}",
                                 homepage=server.url(host, "/"), kind=SiteKind.DEPARTMENT,
                                 hosts=(host,)))
    server.routes[("www.gov.cn", "/")] = (200, {"Content-Type": "text/html; charset=utf-8"},
                                          "<html><title>中国政府网</title>首页</html>".encode())
    return net


def options(net: Network, workers: int = 2) -> CollectOptions:
    return CollectOptions(
        resolve=net.resolve(), allow_private=True, download_delay=0.0, autothrottle=False,
        obey_robots=False, timeout_s=20.0, retry_times=1, retry_backoff_s=0.05,
        per_host_concurrency=2, total_concurrency=8, probe_transport=False,
        probe_search=False, workers=workers)


def command(folder: Path, net: Network, workers: int = 2) -> list[str]:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "sites.json").write_text(sites_to_json(net.sites), encoding="utf-8")
    (folder / "options.json").write_text(json.dumps(options(net, workers).to_dict()),
                                         encoding="utf-8")
    return [sys.executable, "-m", "govinspect.collect", str(folder / "sites.json"),
            str(folder / "out"), "--options", str(folder / "options.json"), "--quiet"]


def start(cmd: list[str]) -> subprocess.Popen:
    # Its own session: a kill of the whole group is possible, and nothing leaks to ours.
    return subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            start_new_session=True)


def kill(proc: subprocess.Popen, group: bool = False) -> None:
    """SIGKILL the collect (its parent only: the workers must die with it; or the whole
    process group, as a terminal's kill would)."""
    try:
        if group:
            os.killpg(proc.pid, signal.SIGKILL)
        else:
            proc.kill()
    except ProcessLookupError:
        pass
    proc.wait()


def finish(cmd: list[str], timeout: float = 600) -> None:
    proc = start(cmd)
    _, err = proc.communicate(timeout=timeout)
    assert proc.returncode == 0, err.decode("utf-8", "replace")


def captured_lines(out: Path) -> int:
    """Capture lines written so far by every worker."""
    n = 0
    for part in [out / "captures.jsonl.part", *out.glob("shards/*/captures.jsonl.part")]:
        try:
            n += part.read_bytes().count(b"\n")
        except FileNotFoundError:
            pass
    return n


def wait_for(condition, bound: float = 120.0, every: float = 0.01) -> bool:
    """Poll ``condition`` until it holds (True) or the generous bound passes (False)."""
    deadline = time.monotonic() + bound
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(every)
    return False


def facts(out: Path, port: int) -> dict[str, Counter]:
    """Everything the comparison looks at, as multisets (a duplicate counts twice)."""
    def path(url: str) -> str:
        return url.split(str(port), 1)[1] if str(port) in url else url

    caps = Counter((r["site_code"], path(r["url"]), r["status"], r["failure"])
                   for r in read_capture_lines(out))
    links = Counter((c.site_code, path(c.parent_url), path(c.url), c.status, c.failure)
                    for c in read_link_checks(out))
    atts: Counter = Counter()
    for row in read_attachment_lines(out):
        from govinspect.collect.store import capture_record

        _, body = read_capture_body(out, capture_record(row))
        atts[(row["site_code"], path(row["url"]), row["status"],
              hashlib.sha1(body).hexdigest())] += 1
    # Every capture's WARC reference reads back
    bodies = Counter()
    for cap in read_captures(out):
        _, body = read_capture_body(out, cap)
        bodies[(cap.site_code, path(cap.url), hashlib.sha1(body).hexdigest())] += 1
    return {"captures": caps, "links": links, "attachments": atts, "bodies": bodies}


def compare(reference: dict[str, Counter], got: dict[str, Counter]) -> dict[str, tuple[int, int]]:
    """kind → (lost, duplicated or extra) against the reference."""
    return {kind: (sum((reference[kind] - got[kind]).values()),
                   sum((got[kind] - reference[kind]).values()))
            for kind in reference}


def expected_attachments(net: Network, attachments: int = 6) -> Counter:
    return Counter((s.code, f"/files/f{k}.pdf", 200,
                    hashlib.sha1(attachment_body(h, k)).hexdigest())
                   for s, h in zip(net.sites, HOSTS, strict=True) for k in range(attachments))
