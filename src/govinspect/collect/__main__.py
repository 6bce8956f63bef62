"""``python -m govinspect.collect SITES.json OUT_DIR [--options OPTIONS.json]``

Runs ``collect_sites`` in this (fresh) process: one Twisted reactor per process."""

from __future__ import annotations

import argparse
import dataclasses
import json
import logging
import sys
from pathlib import Path

from govinspect.collect.crawl import CollectError, collect_sites, load_sites
from govinspect.collect.options import CollectOptions, ProgressEvent


def _progress_line(event: ProgressEvent) -> None:
    if event.done:
        print(f"采集完成：页面 {event.pages_total}，检查链接目标 {event.links_checked}",
              file=sys.stderr, flush=True)
    else:
        print(f"[{event.site_code or '链接检查'}] 页面 {event.pages_crawled}，"
              f"链接 {event.links_found}；合计页面 {event.pages_total}，"
              f"已检查 {event.links_checked}", file=sys.stderr, flush=True)


def _progress_json(event: ProgressEvent) -> None:
    print(json.dumps(dataclasses.asdict(event), ensure_ascii=False), flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m govinspect.collect",
                                     description="采集网站：抓取页面写入 WARC，并检查所有链接的状态")
    parser.add_argument("sites", type=Path, help="网站清单 JSON（code, name, homepage, kind, hosts）")
    parser.add_argument("out_dir", type=Path, help="输出目录（须为空）")
    parser.add_argument("--options", type=Path, help="采集选项 JSON（CollectOptions 的字段）")
    parser.add_argument("--quiet", action="store_true", help="不输出进度")
    parser.add_argument("--progress-json", action="store_true",
                        help="进度以 JSON 行写到标准输出（供并行采集的主进程汇总）")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        sites = load_sites(args.sites)
        options = CollectOptions()
        if args.options:
            try:
                data = json.loads(args.options.read_text(encoding="utf-8"))
            except (OSError, json.JSONDecodeError, UnicodeDecodeError) as e:
                raise CollectError(f"采集选项文件 {args.options} 无法读取：{e}") from e
            try:
                options = CollectOptions.from_dict(data)
            except (TypeError, ValueError) as e:
                raise CollectError(f"采集选项文件 {args.options} 有误：{e}") from e
        report = (_progress_json if args.progress_json
                  else None if args.quiet else _progress_line)
        summary = collect_sites(sites, args.out_dir, options, report)
    except CollectError as e:
        print(f"错误：{e}", file=sys.stderr)
        return 2
    broken = sum(s.broken_links for s in summary.sites.values())
    print(f"已采集 {len(summary.sites)} 个网站，页面 {summary.pages_total}，"
          f"链接 {summary.link_checks_total}（不可用 {broken}），用时 {summary.elapsed_s} 秒；"
          f"结果在 {args.out_dir}")
    for note in summary.notes:
        print(f"  注意：{note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
