"""Throughput of a round's page analysis: extraction plus every page rule (错敏词, privacy,
dark links) plus the site rules, in pages per second per core, on the demo network's pages.

    uv run python bench/bench_analyse.py [--sites 10] [--scale 1.0]

The pages come straight from the generator (no crawl), so the figure is the analysis alone.
Time is this process's CPU time (one core). The peer for extraction alone is
bench/bench_extract.py (htmldate); no public tool runs the same indicator rules.
"""

from __future__ import annotations

import argparse
import time
from datetime import UTC, datetime

from govinspect.core.indicator_sets import load_indicator_set
from govinspect.core.types import CaptureRecord, SiteRef
from govinspect.demo.network import build_network
from govinspect.rules.analyse import PageInput, RoundContext, analyse_round_pages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=10)
    parser.add_argument("--scale", type=float, default=1.0)
    args = parser.parse_args()
    net = build_network(sites=args.sites, scale=args.scale, faults=False)
    by_host = {h: s for s in net.sites for h in s.hosts}
    fetched = datetime.now(UTC).isoformat()
    pages = []
    for (host, target), page in net.pages.items():
        site = by_host.get(host)
        if site is None or page.status != 200 or not page.content_type.startswith("text/html"):
            continue
        url = net.url(host, target)
        capture = CaptureRecord(site.code, url, url, 200, page.content_type, fetched, 1, None,
                                "bench.warc.gz", 0, "")
        pages.append(PageInput(capture, page.body))
    sites = [SiteRef(s.code, s.name, s.homepage, s.kind, tuple(s.hosts)) for s in net.sites]
    ctx = RoundContext(reference_time=datetime.fromisoformat(str(net.t)),
                       indicator_set=load_indicator_set("national-2019"), round_name="bench")
    analyse_round_pages(sites[:1], pages[:50], [], ctx)  # warm caches (lexicon automaton …)
    started = time.process_time()
    findings = analyse_round_pages(sites, pages, [], ctx)
    cpu = time.process_time() - started
    total = sum(map(len, findings.values()))
    print(f"analysis: {len(pages)} pages of {len(sites)} sites, {total} findings, "
          f"{cpu:.1f} CPU s → {len(pages) / cpu:.0f} pages/s per core")


if __name__ == "__main__":
    main()
