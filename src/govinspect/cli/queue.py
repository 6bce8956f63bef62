"""`govinspect queue …`: run rounds on Celery workers (Redis broker, shared database)."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

from govinspect.web.setup import django_setup


@click.group()
def queue() -> None:
    """任务队列：由多个工作进程（Celery，Redis 作为消息队列）分组采集、分析、评分和复查。"""


def _round(name: str):
    from govinspect.web.rounds.models import Round

    round_ = Round.objects.filter(name=name).first()
    if round_ is None:
        raise click.ClickException(f"没有名为 {name} 的检查轮次，请先运行 govinspect round create")
    return round_


def _resolve(pairs: tuple[str, ...]) -> dict[str, str]:
    mapping = {}
    for pair in pairs:
        host, sep, ip = pair.partition("=")
        if not sep:
            raise click.BadParameter(f"--resolve 应写作 主机名=IP：{pair}")
        mapping[host.strip()] = ip.strip()
    return mapping


@queue.command("run")
@click.argument("name")
@click.option("--shards", type=click.IntRange(min=1), default=1, show_default=True,
              help="网站分为几组采集（每组一个任务，可由不同的工作进程同时执行）")
@click.option("--allow-private", is_flag=True, help="允许访问内网和本机地址（仅演示和测试）")
@click.option("--resolve", "resolve", multiple=True, metavar="HOST=IP",
              help="仅用于测试环境：将主机名解析到指定地址")
@click.option("--options", "options_file", type=click.Path(exists=True, path_type=Path),
              help="采集参数（JSON，CollectOptions 的字段），演示和测试用")
def run(name: str, shards: int, allow_private: bool, resolve: tuple[str, ...],
        options_file: Path | None) -> None:
    """把一个检查轮次交给任务队列（采集 → 合并 → 分析 → 评分和报告）。"""
    django_setup()
    from govinspect.web.pipeline.queue import QueueUnavailable, enqueue_round

    options = json.loads(options_file.read_text(encoding="utf-8")) if options_file else {}
    if resolve:
        options["resolve"] = _resolve(resolve)
    try:
        task_id = enqueue_round(_round(name), allow_private=allow_private, workers=shards,
                                options=options)
    except QueueUnavailable as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"已交给任务队列：{name}（{shards} 组），任务 {task_id}")


@queue.command("status")
@click.argument("name")
def status(name: str) -> None:
    """显示检查轮次在任务队列中的进度（各阶段、各网站）。"""
    django_setup()
    from govinspect.web.pipeline.services import progress

    for line in progress(_round(name)):
        click.echo(line)


@queue.command("probe")
@click.argument("name")
@click.option("--time-scale", type=float, default=None, help="时间压缩倍数（演示和测试）")
@click.option("--per-day", type=int, default=24, show_default=True)
@click.option("--allow-private", is_flag=True)
@click.option("--resolve", "resolve", multiple=True, metavar="HOST=IP")
def probe(name: str, time_scale: float | None, per_day: int, allow_private: bool,
          resolve: tuple[str, ...]) -> None:
    """由定时任务（celery beat）按指标要求监测本轮网站的可用性（W-V2）。"""
    django_setup()
    from govinspect.web.pipeline.queue import QueueUnavailable, enqueue_probes

    options = {"time_scale": time_scale, "probes_per_day": per_day,
               "allow_private": allow_private, "resolve": _resolve(resolve) or None}
    try:
        enqueue_probes(_round(name), options)
    except QueueUnavailable as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"已登记 {name} 的可用性监测；需运行 govinspect queue beat 和工作进程")


def _celery(args: list[str]) -> None:
    os.execv(sys.executable, [sys.executable, "-m", "celery", "-A", "govinspect.tasks.app",
                              *args])


@queue.command("worker", context_settings={"ignore_unknown_options": True})
@click.argument("celery_args", nargs=-1, type=click.UNPROCESSED)
def worker(celery_args: tuple[str, ...]) -> None:
    """启动工作进程（其余参数交给 celery worker，如 --concurrency 2）。"""
    _celery(["worker", "-Q", "govinspect", *celery_args])


@queue.command("beat", context_settings={"ignore_unknown_options": True})
@click.argument("celery_args", nargs=-1, type=click.UNPROCESSED)
def beat(celery_args: tuple[str, ...]) -> None:
    """启动定时任务（可用性探测、提醒），计划文件保存在工作目录。"""
    from django.conf import settings

    django_setup()
    schedule = Path(settings.WORKSPACE) / "celerybeat-schedule"
    _celery(["beat", "-s", str(schedule), *celery_args])
