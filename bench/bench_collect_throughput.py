"""Collector throughput against a local multi-host server (not a test; run by hand):

    uv run python bench/bench_collect_throughput.py [SITES] [PAGES_PER_SITE]

Each page carries ~40 links: in-site pages, images, attachments, same-domain and outbound.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "collect"))
from collect_server import SiteServer  # noqa: E402

from govinspect.collect.crawl import sites_to_json
from govinspect.collect.options import CollectOptions
from govinspect.core.types import SiteKind, SiteRef


def build(srv: SiteServer, n_sites: int, n_pages: int) -> list[SiteRef]:
    sites = []
    filler = "<p>" + "石市人民政府办公室关于做好2024年政务公开工作的通知。" * 40 + "</p>"
    for s in range(n_sites):
        host = f"s{s:02d}.shishi.gov.cn"
        for p in range(n_pages):
            links = "".join(f'<li><a href="/p{(p * 7 + k) % n_pages}.html">第{k}条新闻标题</a></li>'
                            for k in range(1, 26))
            links += "".join(f'<img src="/img/{k}.png" alt="图{k}">' for k in range(5))
            links += f'<a href="/files/{p % 20}.pdf">附件</a><a href="/files/x{p}.docx">失效附件</a>'
            links += (f'<a href="http://www.gov.cn:{srv.port}/">中国政府网</a>'
                      f'<a href="http://s{(s + 1) % n_sites:02d}.shishi.gov.cn:{srv.port}/">兄弟站</a>'
                      f'<a href="http://dead{p % 5}.example.com/">死链</a>')
            path = "/" if p == 0 else f"/p{p}.html"
            srv.html(host, path, f"<html><head><title>{host} 第{p}页</title></head>"
                                 f"<body><ul>{links}</ul>{filler}</body></html>")
        for k in range(5):
            srv.raw(host, f"/img/{k}.png", 200, "image/png", b"\x89PNG" + b"0" * 2000)
        for k in range(20):
            srv.raw(host, f"/files/{k}.pdf", 200, "application/pdf", b"%PDF" + b"0" * 50000)
        sites.append(SiteRef(code=f"37010{s:05d}", name=f"站点{s}", homepage=srv.url(host, "/"),
                             kind=SiteKind.DEPARTMENT, hosts=(host,)))
    srv.html("www.gov.cn", "/", "<html><title>中国政府网</title></html>")
    return sites


def main() -> None:
    n_sites = int(sys.argv[1]) if len(sys.argv) > 1 else 50
    n_pages = int(sys.argv[2]) if len(sys.argv) > 2 else 300
    srv = SiteServer()
    srv.thread.start()
    sites = build(srv, n_sites, n_pages)
    resolve = {s.hosts[0]: "127.0.0.1" for s in sites} | {"www.gov.cn": "127.0.0.1"}
    options = CollectOptions(resolve=resolve, allow_private=True, download_delay=0.0,
                             autothrottle=False, per_host_concurrency=int(__import__("os").environ.get("PHC", "2")), obey_robots=False,
                             retry_times=0)
    with tempfile.TemporaryDirectory() as tmp:
        t = Path(tmp)
        (t / "sites.json").write_text(sites_to_json(sites), encoding="utf-8")
        (t / "options.json").write_text(json.dumps(options.to_dict()), encoding="utf-8")
        t0 = time.monotonic()
        subprocess.run([sys.executable, "-m", "govinspect.collect", str(t / "sites.json"),
                        str(t / "out"), "--options", str(t / "options.json"), "--quiet"],
                       check=True)
        wall = time.monotonic() - t0
        summary = json.loads((t / "out" / "summary.json").read_text(encoding="utf-8"))
        warc = sum(f.stat().st_size for f in (t / "out" / "warc").iterdir())
    print(f"sites={n_sites} pages={summary['pages_total']} links={summary['link_checks_total']} "
          f"checked_targets={summary['targets_checked']} wall={wall:.1f}s "
          f"crawl={summary['elapsed_s']:.1f}s pages/s={summary['pages_total'] / wall:.0f} "
          f"warc={warc / 1e6:.1f}MB requests={sum(srv.hits.values())}")


if __name__ == "__main__":
    main()
