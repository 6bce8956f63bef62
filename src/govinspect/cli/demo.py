"""`govinspect demo`: build 示例市's network, serve it on 127.0.0.x, run a whole round on it and
write the reports — the whole pipeline on one machine with no outside network."""

from __future__ import annotations

import dataclasses
import os
import shutil
import time
from datetime import datetime
from pathlib import Path

import click

DEMO_ROUND = "2022Q2"
# The seed's round: checks ran 2022-06-23 to 06-30; t is the end of the last day.
DEMO_T = "2022-06-30T17:00:00+08:00"
_OWNED = ("govinspect.sqlite3", "govinspect.sqlite3-wal", "govinspect.sqlite3-shm", "rounds",
          "reports", "network", "lexicons", "rectify", "recheck-options.json")


@click.command()
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=Path("govinspect-demo"),
              show_default=True, help="输出目录（数据库、采集结果、报告）")
@click.option("--seed", default=20220630, show_default=True, help="示例网站群的随机种子")
@click.option("--sites", type=int, default=None, help="只生成前 N 家网站（默认 53 家）")
@click.option("--scale", type=float, default=1.0, show_default=True, help="页面规模倍数")
@click.option("--faults/--no-faults", default=True, show_default=True,
              help="是否模拟慢速、时断时续和爬虫陷阱等故障")
@click.option("--probe-seconds", type=float, default=90.0, show_default=True,
              help="把7天的首页可用性监测压缩到多少秒内完成（0 表示不监测）")
def demo(out_dir: Path, seed: int, sites: int | None, scale: float, faults: bool,
         probe_seconds: float) -> None:
    """演示：生成示例市网站群，在本机启动并完成一轮完整检查，输出报告。"""
    from rich.console import Console

    console = Console()
    started = time.perf_counter()
    out_dir = out_dir.resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    for name in _OWNED:  # a demo always starts clean; only what the demo itself wrote is removed
        target = out_dir / name
        if target.is_dir():
            shutil.rmtree(target)
        elif target.exists():
            target.unlink()
    os.environ["GOVINSPECT_WORKSPACE"] = str(out_dir)
    os.environ.pop("GOVINSPECT_DATABASE_URL", None)  # the demo always uses its own SQLite file

    from govinspect.demo.network import build_network
    from govinspect.demo.server import serve_network

    t = datetime.fromisoformat(DEMO_T)
    with serve_network_for(build_network, serve_network, seed=seed, sites=sites, scale=scale,
                           faults=faults, t=t, out_dir=out_dir, console=console) as server:
        _run_round(server, out_dir, t, console, probe_seconds)
    console.print(f"演示完成，用时 {time.perf_counter() - started:.1f} 秒。报告目录：{out_dir / 'reports' / DEMO_ROUND}")


class serve_network_for:  # noqa: N801
    """Build the network on free HTTP and HTTPS ports, with IPv6 where this machine can listen
    on ``::1``, write it (the demo CA included: ``network/tls/ca.pem``), and serve it for the
    round's duration."""

    def __init__(self, build, serve, *, seed, sites, scale, faults, t, out_dir, console):
        self._build, self._serve = build, serve
        self._kw = dict(seed=seed, sites=sites, scale=scale, faults=faults, t=t)
        self._out, self._console = out_dir, console

    def __enter__(self):
        from govinspect.demo.server import choose_port, ipv6_loopback_available

        ipv6 = ipv6_loopback_available()
        port = choose_port(ipv6=ipv6)
        https_port = choose_port(443, avoid=(port,))
        net = self._build(port=port, https_port=https_port, ipv6=ipv6, **self._kw)
        net.write(self._out / "network")
        from govinspect.demo.workspace import save_build

        # `govinspect serve` serves the same network again (the re-check fetches from it)
        save_build(self._out, port=port, https_port=https_port, ipv6=ipv6, **self._kw)
        self._console.print(f"示例网站群：{len(net.sites)} 家网站，{len(net.pages)} 个页面，"
                            f"预设问题 {len(net.manifest)} 处（种子 {self._kw['seed']}）")
        if not ipv6:
            self._console.print("注意：本机无法使用IPv6回环地址 ::1，示例网站群不提供IPv6访问，"
                                "本轮不检测IPv6改造（W-D29）。")
        self._ctx = self._serve(net)
        server = self._ctx.__enter__()
        server.network = net
        if server.ipv6_note:
            self._console.print(f"注意：{server.ipv6_note}。")
        return server

    def __exit__(self, *exc):
        return self._ctx.__exit__(*exc)


def _start_prober(round_, resolve: dict[str, str], probe_seconds: float,
                  ca_file: str | None = None):
    """W-V2 monitoring of the round's week, compressed into ``probe_seconds`` of wall time
    through the prober's time scale (the same code path as a real week), in a thread that
    runs beside the crawl."""
    import threading

    from django.db import connection

    from govinspect.web.rounds.probes import ProbeOptions, run_prober

    span = round_.window_end - round_.window_start
    options = ProbeOptions(time_scale=span.total_seconds() / probe_seconds, probes_per_day=20,
                           resolve=resolve, allow_private=True, workers=8,
                           tls_ca_file=ca_file)
    failure: list[BaseException] = []

    def work() -> None:
        try:
            run_prober(round_, options, until_done=True)
        except BaseException as exc:  # reported by the main thread after join
            failure.append(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=work, name="govinspect-probe", daemon=True)
    thread.start()
    return thread, failure


def _run_round(server, out_dir: Path, t: datetime, console, probe_seconds: float) -> None:
    from govinspect.web.setup import django_setup

    django_setup()
    from rich.table import Table

    from govinspect.cli.rounds import crawl_progress
    from govinspect.collect.crawl import CollectOptions
    from govinspect.collect.options import default_workers
    from govinspect.demo.model import CA_FILE
    from govinspect.web.roster.services import import_roster
    from govinspect.web.rounds.services import (
        collect_round,
        create_round,
        report_round,
    )

    network = out_dir / "network"
    imported = import_roster(network / "roster.csv", network / "accounts.csv")
    console.print(f"名录导入：{imported}", soft_wrap=True)
    round_ = create_round(DEMO_ROUND, t)
    # Local servers only: no politeness delay needed, but keep per-host concurrency polite.
    # Transport facts (G13) against the demo's own ports, trusting the demo CA.
    ca_file = str(network / CA_FILE) if (network / CA_FILE).exists() else None
    # IPv6 (W-D29): AAAA records of the demo's closed world, when its server listens on ::1.
    resolve6 = dict(server.resolve6) if server.resolve6 is not None else None
    options = CollectOptions(resolve=dict(server.resolve), resolve6=resolve6, allow_private=True,
                             download_delay=0.0, autothrottle=False, obey_robots=False,
                             probe_transport=True, http_port=server.port,
                             https_port=server.https_port or 443, tls_ca_file=ca_file,
                             per_host_concurrency=2, workers=default_workers())
    from govinspect.demo.workspace import save_recheck_options

    # the workspace's automatic re-check fetches from the same closed world
    save_recheck_options(out_dir, dataclasses.replace(options, workers=1))
    prober = _start_prober(round_, dict(server.resolve), probe_seconds, ca_file) \
        if probe_seconds else None
    from govinspect.web.rounds.probes import plan_round

    planned = sum(map(len, plan_round(round_, 20).values()))
    if probe_seconds:
        console.print(f"首页可用性监测（W-V2）：把监测期7天压缩到约 {probe_seconds:g} 秒，与采集同时"
                      f"进行（每家网站每天20次，共 {planned} 次访问）。", soft_wrap=True)
    with crawl_progress() as progress:
        collect_round(round_, options, progress=progress)
    # Analysis reads the recorded probes (slow homepage), so the monitoring week ends first.
    if prober is not None:
        thread, failure = prober
        from govinspect.cli.rounds import wait_with_progress
        from govinspect.web.rounds.models import Probe

        wait_with_progress(thread, Probe.objects.filter(round=round_).exclude(outcome="").count,
                           planned, "首页可用性监测")
        if failure:
            raise click.ClickException(f"首页可用性监测失败：{failure[0]}")
    # The office's own term lists (示例市 leaders roster): services read WORKSPACE/lexicons/.
    if (network / "lexicons").is_dir():
        shutil.copytree(network / "lexicons", out_dir / "lexicons", dirs_exist_ok=True)
    from govinspect.cli.rounds import analysis_progress, pages_to_analyse
    from govinspect.web import lifecycle

    with analysis_progress(pages_to_analyse(round_)) as progress:
        analysed = lifecycle.analyse(round_, progress)
    console.print(analysed.message)
    from govinspect.collect.newmedia.fetch import PoliteClient

    accounts, _ = lifecycle.newmedia(round_, sources=network / "account_sources.csv",
                                     inspection=network / "inspection.xlsx",
                                     tasks=network / "repost_tasks.yaml",
                                     resolve=dict(server.resolve),
                                     client=PoliteClient(min_interval=0.0))
    console.print(accounts.message, soft_wrap=True)
    reports = out_dir / "reports" / DEMO_ROUND
    outcome = report_round(round_, reports)
    from govinspect.web.rounds.notice import write_round_notice

    notice_files = write_round_notice(round_, reports, issued_on=t.date())
    from govinspect.web.rounds.services import stamp_outputs

    stamp_outputs(round_, [*outcome.files, reports / "summary.json", *notice_files], draft=False)

    table = Table(title=f"{DEMO_ROUND} 检查结果（示例市）")
    for column in ("排名", "网站", "类型", "页面", "问题", "得分", "结论"):
        table.add_column(column)
    from govinspect.reports.findings import ranked, verdict

    for rank, s in enumerate(ranked(outcome.report), start=1):
        score = "—" if s.score.score is None else f"{s.score.score:.2f}"
        conclusion = verdict(s.score) if s.score.passed else f"[red]{verdict(s.score)}[/red]"
        table.add_row("—" if s.score.pending else str(rank), s.site.name, s.site.kind.value, str(s.pages),
                      str(len(s.findings)), score, conclusion)
    console.print(table)
    for path in outcome.files[:1] + outcome.files[-1:] + notice_files:
        console.print(f"已生成 {path}")
    console.print(f"各单位整改清单 {len(outcome.files) - 2} 份：{reports / '整改清单'}")
    _print_demo_users(console, out_dir)


def _print_demo_users(console, out_dir: Path) -> None:
    """The workspace's demo accounts (for `make serve`)."""
    from govinspect.web.accounts.services import create_demo_users

    users = create_demo_users()
    console.print(f"检查工作台：make serve（或 GOVINSPECT_WORKSPACE={out_dir} uv run govinspect "
                  "serve），浏览器打开 http://127.0.0.1:8000/ ，演示账号：", soft_wrap=True)
    for u in users:
        console.print(f"  {u.username} / {u.password}　{u.role.label}（{u.units}）")
    console.print("填报单位在组织单位发布通报后才能看到本单位的检查结果和整改事项："
                  f"以 office 登录，在 {DEMO_ROUND} 概况页点击“发布通报并生成整改事项”。",
                  soft_wrap=True)
