"""Throughput of page-fact extraction, pages per second per core, with htmldate as the peer.

    uv run python bench/bench_extract.py [--repeat 3] [--demo-pages 2000] [--peer-pages 300]

Two page sets: the demo network's HTML pages (a fixed sample) and the hand-labelled real pages
(../shared/data/realpages, repeated). Time is CPU time of this one process (one core), so other
load on the machine does not inflate the figure. The peer (htmldate.find_date) runs on the
first ``--peer-pages`` pages of each set; the ratio compares per-page cost.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

from govinspect.extract import extract_page

REAL = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "realpages"


def demo_pages(n: int) -> list[tuple[bytes, str, str | None, dict]]:
    try:
        from govinspect.demo.network import build_network
    except ImportError:
        return []
    network = build_network(faults=False)
    html = [(host, path, page) for (host, path), page in network.pages.items()
            if page.status == 200 and page.content_type.startswith("text/html")]
    random.Random(7).shuffle(html)
    return [(page.body, f"http://{host}{path}", network.t,
             dict(page.headers) if page.headers else {"Content-Type": page.content_type})
            for host, path, page in html[:n]]


def real_pages() -> list[tuple[bytes, str, str | None, dict]]:
    labels = REAL / "labels.jsonl"
    if not labels.is_file():
        return []
    out = []
    for line in labels.read_text("utf-8").splitlines():
        if line.strip():
            label = json.loads(line)
            body = (REAL / "pages" / f"{label['id']}.html").read_bytes()
            out.append((body, label.get("url") or "http://unknown.invalid/", None, {}))
    return out


def ours(pages) -> float:
    for body, url, t, headers in pages[:5]:  # warm the caches (cue files, regexes)
        extract_page(body, url, t, headers)
    started = time.process_time()
    for body, url, t, headers in pages:
        extract_page(body, url, t, headers)
    return len(pages) / (time.process_time() - started)


def htmldate_rate(pages) -> float | None:
    try:
        import htmldate
    except ImportError:
        return None
    texts = [body.decode(extract_page(body, url).encoding.detected, errors="replace")
             for body, url, _, _ in pages]
    started = time.process_time()
    for text in texts:
        try:
            htmldate.find_date(text, original_date=True)
        except Exception:  # the peer's failures are not our concern here
            pass
    return len(texts) / (time.process_time() - started)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description="页面要素抽取性能基准")
    parser.add_argument("--repeat", type=int, default=3, help="真实页面重复次数")
    parser.add_argument("--demo-pages", type=int, default=2000, help="示例网站群抽样页数")
    parser.add_argument("--peer-pages", type=int, default=300, help="htmldate 对比页数")
    args = parser.parse_args(argv)
    sets = [("示例网站群", demo_pages(args.demo_pages)), ("真实页面", real_pages() * args.repeat)]
    print(f"{'页面集':<8}{'页数':>7}{'平均KiB':>9}{'本项目 页/秒/核':>16}{'htmldate 页/秒/核':>19}"
          f"{'倍数':>7}")
    for name, pages in sets:
        if not pages:
            print(f"{name:<8}  （不可用，跳过）")
            continue
        rate = ours(pages)
        peer = htmldate_rate(pages[:args.peer_pages])
        size = sum(len(p[0]) for p in pages) / len(pages) / 1024
        peer_text = f"{peer:>19.0f}" if peer else f"{'未安装':>19}"
        ratio = f"{rate / peer:>7.1f}" if peer else f"{'—':>7}"
        print(f"{name:<8}{len(pages):>7}{size:>9.1f}{rate:>16.0f}{peer_text}{ratio}")
    print("（CPU 时间，单进程单核；htmldate 仅找日期，本项目抽取全部页面要素）")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
