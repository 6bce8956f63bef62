"""Collector benchmark: govinspect vs LinkChecker on the same synthetic sites, then a memory
run of one 100k-page site (not a test; run by hand):

    uv run python bench/bench_collect.py compare [SITES] [PAGES] [PER_HOST] [--cold]
    uv run python bench/bench_collect.py memory [PAGES] [--cold]

The server generates pages on the fly (deterministic; page i links pages 2i+1, 2i+2 and a few
earlier ones, ~15 links) and runs in this process; each tool runs as a child process whose CPU
seconds and peak RSS come from wait4(). Sites are IP literals 127.0.0.(10+k) so LinkChecker
(which does its own DNS) needs no name mapping. Both tools share the machine's cores with the
server.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from govinspect.collect.crawl import sites_to_json
from govinspect.collect.options import CollectOptions
from govinspect.core.types import SiteKind, SiteRef

FILLER = ("<p>" + "石市人民政府办公室关于做好政务公开工作的通知。" * 30 + "</p>").encode()


def make_handler(n_pages: int):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        wbufsize = 1 << 16
        disable_nagle_algorithm = True

        def do_GET(self):  # noqa: N802
            self.answer(head_only=False)

        def do_HEAD(self):  # noqa: N802
            # No body after a HEAD answer: stray bytes would corrupt the kept-alive connection.
            self.answer(head_only=True)

        def answer(self, head_only: bool) -> None:
            path = self.path
            i = 0 if path == "/" else int(path[2:-5]) if path.startswith("/p") else -1
            if not 0 <= i < n_pages:
                body, status = b"<html><title>404</title></html>", 404
            else:
                links = "".join(f'<a href="/p{j}.html">第{j}篇</a>'
                                for j in (2 * i + 1, 2 * i + 2, i // 2, i // 3, i // 5)
                                if 0 < j < n_pages)
                links += "".join(f'<a href="/p{(i * 7 + k) % n_pages or 1}.html">相关{k}</a>'
                                 for k in range(10))
                body = (f"<html><head><meta charset='utf-8'><title>第{i}页</title></head><body>"
                        f"{links}").encode() + FILLER + b"</body></html>"
                status = 200
            self.send_response(status)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            # LinkChecker caps itself at 10 requests/s per host unless the server opts in.
            self.send_header("LinkChecker", "allow")
            self.end_headers()
            if not head_only:
                self.wfile.write(body)

        def log_message(self, *a):
            pass

    return Handler


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 1024


def serve(ips: list[str], n_pages: int) -> tuple[int, list[_Server]]:
    first = _Server((ips[0], 0), make_handler(n_pages))
    port = first.server_address[1]
    servers = [first] + [_Server((ip, port), make_handler(n_pages)) for ip in ips[1:]]
    for s in servers:
        threading.Thread(target=s.serve_forever, daemon=True).start()
    return port, servers


# Both tools are Python. With PYTHONDONTWRITEBYTECODE set (as on the development machine) every
# run would compile Scrapy + Twisted (~1 s) and LinkChecker's modules from source before the
# first request; an installed deployment has its bytecode. The children share a bytecode cache
# outside the repository, filled by an untimed warm-up (``--cold`` skips both).
PYCACHE = Path(tempfile.gettempdir()) / "govinspect-bench-pycache"
COLD = "--cold" in sys.argv


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


def run_child(cmd: list[str], sample: list | None = None) -> tuple[float, float, float]:
    """(wall s, CPU s, peak RSS MB) of a child process (wait4 rusage)."""
    t0 = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            env=child_env())
    if sample is not None:
        def watch():
            while proc.poll() is None:
                try:
                    rss = int(Path(f"/proc/{proc.pid}/status").read_text().split("VmRSS:")[1]
                              .split()[0]) / 1024
                    sample.append((round(time.monotonic() - t0, 1), round(rss)))
                except (OSError, IndexError):
                    pass
                time.sleep(2)
        threading.Thread(target=watch, daemon=True).start()
    _, status, ru = os.wait4(proc.pid, 0)
    wall = time.monotonic() - t0
    return wall, ru.ru_utime + ru.ru_stime, ru.ru_maxrss / 1024


def govinspect_cmd(tmp: Path, urls: list[str], per_host: int) -> tuple[list[str], Path]:
    sites = [SiteRef(code=f"37000{k:05d}", name=f"站点{k}", homepage=u, kind=SiteKind.DEPARTMENT,
                     hosts=(u.split("//")[1].split(":")[0],)) for k, u in enumerate(urls)]
    options = CollectOptions(allow_private=True, download_delay=0.0, autothrottle=False,
                             obey_robots=False, per_host_concurrency=per_host, retry_times=0,
                             max_pages_per_site=10**7, max_depth=10**6, probe_transport=False,
                             total_concurrency=per_host * len(urls))
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
        cmd, out = govinspect_cmd(tmp, urls, per_host)
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
          f"bytecode={'compiled each run' if COLD else 'cached'}")
    print(f"govinspect : pages={pages} wall={g_wall:.1f}s pages/s={pages / g_wall:.0f} "
          f"cpu={g_cpu:.1f}s peak_rss={g_rss:.0f}MB")
    print(f"linkchecker: pages={n_sites * n_pages} wall={l_wall:.1f}s "
          f"pages/s={n_sites * n_pages / l_wall:.0f} cpu={l_cpu:.1f}s peak_rss={l_rss:.0f}MB")
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
          f"peak_rss={rss:.0f}MB")
    print("rss samples (s, MB):", samples[:: max(1, len(samples) // 20)])


if __name__ == "__main__":
    mode = sys.argv[1] if len(sys.argv) > 1 else "compare"
    args = [int(a) for a in sys.argv[2:] if a != "--cold"]
    if mode == "memory":
        memory(*(args or [100_000]))
    else:
        compare(*(args or [4, 500, 2]))
