"""`govinspect demo-real FOLDER`: serve captured real pages under their original hosts and paths
on 127.0.0.x and run a whole round on them (or, with ``--serve``, only serve them)."""

from __future__ import annotations

import json
import os
import threading
from collections import Counter
from datetime import datetime
from pathlib import Path

import click

REAL_ROUND = "REAL"


@click.command("demo-real")
@click.argument("folder", type=click.Path(path_type=Path, exists=True, file_okay=False))
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=Path("govinspect-real"),
              show_default=True, help="输出目录（数据库、采集结果、报告）")
@click.option("--labels", "labels", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="标注文件（默认 FOLDER/labels.jsonl；项目语料的标注在 tests/realcorpus/labels.jsonl）")
@click.option("--host", "hosts", multiple=True, help="只提供这些主机的页面（可多次）")
@click.option("--fill", "fills", multiple=True, metavar="REGEX=ID",
              help="该网站上匹配正则表达式、但未采集的路径，用标注为 ID 的页面应答（可多次）")
@click.option("--t", "reference_time", default=None,
              help="检查时间点，如 2026-09-30T17:00+08:00（默认：当前时间）")
@click.option("--round", "round_name", default=REAL_ROUND, show_default=True, help="检查轮次名称")
@click.option("--serve", "serve_only", is_flag=True,
              help="只在本机提供这些页面（按 Ctrl-C 结束），不运行检查")
def demo_real(folder: Path, out_dir: Path, labels: Path | None, hosts: tuple[str, ...],
              fills: tuple[str, ...],
              reference_time: str | None, round_name: str, serve_only: bool) -> None:
    """实网页模式：在本机按原主机名和路径提供采集到的真实政府网站页面，并运行一轮完整检查。"""
    from rich.console import Console

    from govinspect.demo.realsite import (
        RealSiteError,
        build_real_network,
        fill_rule,
        read_captured,
    )
    from govinspect.demo.server import choose_port, serve_network

    console = Console()
    try:
        t = datetime.fromisoformat(reference_time) if reference_time else \
            datetime.now().astimezone().replace(microsecond=0)
    except ValueError as exc:
        raise click.BadParameter(f"检查时间点格式不正确：{reference_time}") from exc
    if t.tzinfo is None:
        raise click.BadParameter("检查时间点须带时区，如 2026-09-30T17:00+08:00")
    try:
        captured, problems = read_captured(folder, labels)
        rules = [fill_rule(spec, captured) for spec in fills]
        port = choose_port()
        https_port = choose_port(443, avoid=(port,))
        net = build_real_network(captured, port=port, https_port=https_port,
                                 t=t.isoformat(), fill=rules, hosts=hosts or None)
    except RealSiteError as exc:
        raise click.ClickException(str(exc)) from exc
    for p in problems:
        console.print(f"注意：{p}", soft_wrap=True)
    out_dir = out_dir.resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    network = net.write(out_dir / "network")
    console.print(f"实网页：{len(net.sites)} 家网站，{len(net.pages)} 个页面，"
                  f"站外主机 {len(net.catch_all_hosts)} 个（离线替身页）", soft_wrap=True)
    with serve_network(net) as server:
        if serve_only:
            _print_serving(console, net, network)
            try:
                threading.Event().wait()
            except KeyboardInterrupt:
                console.print("已停止。")
            return
        reports = run_real_round(server, network, out_dir, t, round_name, console)
    console.print(f"实网页检查完成。报告目录：{reports}")


def _print_serving(console, net, network: Path) -> None:
    for s in net.sites:
        console.print(f"{s.code} {s.name} {s.homepage}  --resolve {s.host}={s.ip}", soft_wrap=True)
    console.print(f"HTTP 端口 {net.port}，HTTPS 端口 {net.https_port}；证书颁发机构 "
                  f"{network / 'tls' / 'ca.pem'}；名录 {network / 'roster.csv'}", soft_wrap=True)
    console.print("按 Ctrl-C 结束。")


def run_real_round(server, network: Path, out_dir: Path, t: datetime, round_name: str,
                   console) -> Path:
    """Import the served sites as the roster, crawl and analyse them, write the reports
    (``reports/ROUND/findings.json`` lists every finding). Transport, site search and the
    availability week are not measured: they would measure this machine, not the site."""
    os.environ["GOVINSPECT_WORKSPACE"] = str(out_dir)
    os.environ.pop("GOVINSPECT_DATABASE_URL", None)  # its own SQLite file, like the demo
    from govinspect.web.setup import django_setup

    django_setup()
    from govinspect.cli.rounds import crawl_progress
    from govinspect.collect.crawl import CollectOptions
    from govinspect.collect.options import default_workers
    from govinspect.web.roster.services import import_roster
    from govinspect.web.rounds.services import (
        analyse_round,
        collect_round,
        create_round,
        report_round,
    )

    console.print(f"名录导入：{import_roster(network / 'roster.csv')}", soft_wrap=True)
    round_ = create_round(round_name, t)
    options = CollectOptions(resolve=dict(server.resolve), allow_private=True,
                             download_delay=0.0, autothrottle=False, obey_robots=False,
                             probe_transport=False, probe_search=False,
                             http_port=server.port, https_port=server.https_port or 443,
                             per_host_concurrency=2, workers=default_workers())
    with crawl_progress() as progress:
        summary = collect_round(round_, options, progress=progress)
    for note in summary.notes:
        console.print(f"注意：{note}", soft_wrap=True)
    analyse_round(round_)
    reports = out_dir / "reports" / round_name
    report_round(round_, reports)
    stored = json.loads((reports / "findings.json").read_text(encoding="utf-8"))
    counts = Counter(f["rule"] for f in stored)
    console.print(f"问题 {sum(counts.values())} 条：" +
                  ("，".join(f"{rule} {n}" for rule, n in sorted(counts.items())) or "无"),
                  soft_wrap=True)
    return reports
