"""Collector benchmark: govinspect vs LinkChecker on the same synthetic sites, then a memory
run of one 100k-page site (not a test; run by hand):

    uv run python bench/bench_collect.py compare [SITES] [PAGES] [PER_HOST] [--cold]
                                                 [--workers=N]  (default: CPU count)
    uv run python bench/bench_collect.py memory [PAGES] [--cold]

The server generates pages on the fly (deterministic; page i links pages 2i+1, 2i+2 and a few
earlier ones, ~15 links) and runs in this process; each tool runs as a child process whose CPU
seconds and peak RSS come from wait4(). Sites are IP literals 127.0.0.(10+k) so LinkChecker
(which does its own DNS) needs no name mapping. Both tools share the machine's cores with the
server.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "collect"))

from proctree import tree_rss_mb  # noqa: E402

from govinspect.collect.crawl import sites_to_json
from govinspect.collect.options import CollectOptions
from govinspect.core.types import SiteKind, SiteRef

FILLER = ("<p>" + "石市人民政府办公室关于做好政务公开工作的通知。" * 30 + "</p>").encode()


def page_body(i: int, n_pages: int) -> tuple[int, bytes]:
    """(status, body) of page i of a synthetic site: deterministic, ~15 links, ~3 KB."""
    if not 0 <= i < n_pages:
        return 404, b"<html><title>404</title></html>"
    links = "".join(f'<a href="/p{j}.html">第{j}篇</a>'
                    for j in (2 * i + 1, 2 * i + 2, i // 2, i // 3, i // 5) if 0 < j < n_pages)
    links += "".join(f'<a href="/p{(i * 7 + k) % n_pages or 1}.html">相关{k}</a>'
                     for k in range(10))
    return 200, (f"<html><head><meta charset='utf-8'><title>第{i}页</title></head><body>"
                 f"{links}").encode() + FILLER + b"</body></html>"


def page_index(path: str) -> int:
    if path == "/":
        return 0
    if path.startswith("/p") and path.endswith(".html") and path[2:-5].isdigit():
        return int(path[2:-5])
    return -1


class _SiteProtocol(asyncio.Protocol):
    """A minimal HTTP/1.1 keep-alive server: the bench measures the crawlers, so the server
    (in this process, on the same cores) must cost as little CPU per request as possible.
    Answers are built once per path and cached; GET and HEAD only; no pipelining needed."""

    def __init__(self, n_pages: int, cache: dict):
        self.n_pages, self.cache, self.buf = n_pages, cache, b""

    def connection_made(self, transport):
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.buf += data
        while b"\r\n\r\n" in self.buf:
            head, self.buf = self.buf.split(b"\r\n\r\n", 1)
            method, path = head.split(b" ", 2)[:2]
            key = (method == b"HEAD", path)
            answer = self.cache.get(key)
            if answer is None:
                status, body = page_body(page_index(path.decode("latin-1")), self.n_pages)
                # LinkChecker caps itself at 10 requests/s per host unless the server opts in.
                answer = (f"HTTP/1.1 {status} {'OK' if status == 200 else 'Not Found'}\r\n"
                          "Content-Type: text/html; charset=utf-8\r\n"
                          f"Content-Length: {len(body)}\r\nLinkChecker: allow\r\n\r\n"
                          ).encode() + (b"" if key[0] else body)  # HEAD: no body
                self.cache[key] = answer
            self.transport.write(answer)


class _Servers:
    def __init__(self, loop, servers):
        self.loop, self.servers = loop, servers

    def shutdown(self) -> None:
        for s in self.servers:
            self.loop.call_soon_threadsafe(s.close)
        self.loop.call_soon_threadsafe(self.loop.stop)


def serve(ips: list[str], n_pages: int) -> tuple[int, list[_Servers]]:
    """Serve the synthetic sites on ``ips`` (same port) from an event loop in a thread."""
    loop = asyncio.new_event_loop()
    cache: dict = {}

    def factory():
        return _SiteProtocol(n_pages, cache)

    first = loop.run_until_complete(loop.create_server(factory, ips[0], 0, backlog=1024))
    port = first.sockets[0].getsockname()[1]
    servers = [first] + [loop.run_until_complete(loop.create_server(factory, ip, port,
                                                                     backlog=1024))
                         for ip in ips[1:]]
    threading.Thread(target=loop.run_forever, daemon=True).start()
    return port, [_Servers(loop, servers)]


# Both tools are Python. With PYTHONDONTWRITEBYTECODE set (as on the development machine) every
# run would compile Scrapy + Twisted (~1 s) and LinkChecker's modules from source before the
# first request; an installed deployment has its bytecode. The children share a bytecode cache
# outside the repository, filled by an untimed warm-up (``--cold`` skips both).
PYCACHE = Path(tempfile.gettempdir()) / "govinspect-bench-pycache"
COLD = "--cold" in sys.argv
# govinspect's worker processes (sites sharded across them); LinkChecker has threads only.
WORKERS = next((int(a.split("=", 1)[1]) for a in sys.argv if a.startswith("--workers=")),
               os.cpu_count() or 1)


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    if not COLD:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(PYCACHE)
    return env


def warm_up(cmds: list[list[str]]) -> None:
    if not COLD:
        for cmd in cmds:
            subprocess.run(cmd, env=child_env(), stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, check=False)


SERVER_CPU: list[float] = []
TREE_RSS: list[float] = []  # peak summed RSS (MB) of each child and its descendants


def run_child(cmd: list[str], sample: list | None = None) -> tuple[float, float, float]:
    """(wall s, CPU s, peak RSS MB of the largest process) of a child process (wait4
    rusage: its CPU includes its workers'); the summed peak of its process tree goes to
    TREE_RSS, the CPU the server in this process spent meanwhile to SERVER_CPU."""
    t0, own0 = time.monotonic(), time.process_time()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            env=child_env())
    peak = [0.0]

    def watch():
        last = 0.0
        while proc.poll() is None:
            total = tree_rss_mb(proc.pid)
            peak[0] = max(peak[0], total)
            now = time.monotonic() - t0
            if sample is not None and now - last >= 2:
                sample.append((round(now, 1), round(total)))
                last = now
            time.sleep(0.25)
    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    _, status, ru = os.wait4(proc.pid, 0)
    wall = time.monotonic() - t0
    watcher.join()
    SERVER_CPU.append(time.process_time() - own0)
    TREE_RSS.append(peak[0])
    return wall, ru.ru_utime + ru.ru_stime, ru.ru_maxrss / 1024


def govinspect_cmd(tmp: Path, urls: list[str], per_host: int,
                   workers: int = 1) -> tuple[list[str], Path]:
    sites = [SiteRef(code=f"37000{k:05d}", name=f"站点{k}", homepage=u, kind=SiteKind.DEPARTMENT,
                     hosts=(u.split("//")[1].split(":")[0],)) for k, u in enumerate(urls)]
    options = CollectOptions(allow_private=True, download_delay=0.0, autothrottle=False,
                             obey_robots=False, per_host_concurrency=per_host, retry_times=0,
                             max_pages_per_site=10**7, max_depth=10**6, probe_transport=False,
                             probe_search=False,
                             total_concurrency=per_host * len(urls), workers=workers)
    (tmp / "sites.json").write_text(sites_to_json(sites), encoding="utf-8")
    (tmp / "options.json").write_text(json.dumps(options.to_dict()), encoding="utf-8")
    out = tmp / "out"
    return [sys.executable, "-m", "govinspect.collect", str(tmp / "sites.json"), str(out),
            "--options", str(tmp / "options.json"), "--quiet"], out


IMPORTS = [sys.executable, "-c", "import govinspect.collect.crawl, govinspect.collect.spider, "
           "govinspect.collect.middlewares, scrapy.crawler, twisted.internet.asyncioreactor"]


def compare(n_sites: int, n_pages: int, per_host: int) -> None:
    lc = Path(sys.executable).with_name("linkchecker")
    warm_up([IMPORTS, [str(lc), "--version"]])
    ips = [f"127.0.0.{10 + k}" for k in range(n_sites)]
    port, servers = serve(ips, n_pages)
    urls = [f"http://{ip}:{port}/" for ip in ips]
    with tempfile.TemporaryDirectory() as t:
        tmp = Path(t)
        cmd, out = govinspect_cmd(tmp, urls, per_host, WORKERS)
        g_wall, g_cpu, g_rss = run_child(cmd)
        pages = json.loads((out / "summary.json").read_text())["pages_total"]
        # LinkChecker has no per-host limit: threads = per-host concurrency × sites, one host
        # per site, is the same number of connections per host when all sites are crawled.
        # Its default rate limit (10 requests/s per host; the server sends the opt-in header
        # that lifts it) would make the comparison moot.
        (tmp / "lc.ini").write_text("[checking]\nmaxrequestspersecond=100000\n")
        l_wall, l_cpu, l_rss = run_child([str(lc), "-f", str(tmp / "lc.ini"), "--no-robots",
                                          "--no-status", "-o", "none",
                                          "-t", str(per_host * n_sites), *urls])
    for s in servers:
        s.shutdown()
    print(f"sites={n_sites} pages/site={n_pages} per-host concurrency={per_host} "
          f"cores={os.cpu_count()} (server shares them) "
          f"bytecode={'compiled each run' if COLD else 'cached'} govinspect workers={WORKERS}")
    print(f"govinspect : pages={pages} wall={g_wall:.1f}s pages/s={pages / g_wall:.0f} "
          f"cpu={g_cpu:.1f}s peak_rss={g_rss:.0f}MB (all processes {TREE_RSS[-2]:.0f}MB)")
    print(f"linkchecker: pages={n_sites * n_pages} wall={l_wall:.1f}s "
          f"pages/s={n_sites * n_pages / l_wall:.0f} cpu={l_cpu:.1f}s peak_rss={l_rss:.0f}MB "
          f"(all processes {TREE_RSS[-1]:.0f}MB)")
    print(f"server cpu during govinspect={SERVER_CPU[-2]:.1f}s, "
          f"during linkchecker={SERVER_CPU[-1]:.1f}s")
    print(f"ratio pages/s govinspect/linkchecker = {(pages / g_wall) / (n_sites * n_pages / l_wall):.2f}; "
          f"cpu ratio = {l_cpu / g_cpu:.2f}")


def memory(n_pages: int) -> None:
    warm_up([IMPORTS])
    port, servers = serve(["127.0.0.10"], n_pages)
    with tempfile.TemporaryDirectory() as t:
        cmd, out = govinspect_cmd(Path(t), [f"http://127.0.0.10:{port}/"], 4)
        samples: list = []
        wall, cpu, rss = run_child(cmd, samples)
        pages = json.loads((out / "summary.json").read_text())["pages_total"]
    for s in servers:
        s.shutdown()
    print(f"pages={pages} wall={wall:.0f}s pages/s={pages / wall:.0f} cpu={cpu:.0f}s "
          f"peak_rss={rss:.0f}MB (all processes {TREE_RSS[-1]:.0f}MB)")
    print("rss samples (s, MB):", samples[:: max(1, len(samples) // 20)])


if __name__ == "__main__":
    mode = sys.argv[1] if len(sys.argv) > 1 else "compare"
    args = [int(a) for a in sys.argv[2:] if not a.startswith("--")]
    if mode == "memory":
        memory(*(args or [100_000]))
    else:
        compare(*(args or [4, 500, 2]))
