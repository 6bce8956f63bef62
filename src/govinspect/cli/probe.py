"""`govinspect probe`: the availability prober (W-V2) of a round, long-running."""

from __future__ import annotations

import signal
import threading
import time

import click

from govinspect.web.setup import django_setup


def _parse_resolve(pairs: tuple[str, ...]) -> dict[str, str] | None:
    mapping = {}
    for pair in pairs:
        host, sep, ip = pair.partition("=")
        if not sep or not host.strip() or not ip.strip():
            raise click.BadParameter(f"应写作 主机名=IP：{pair}", param_hint="--resolve")
        mapping[host.strip().lower()] = ip.strip()
    return mapping or None


@click.command("probe")
@click.option("--round", "round_name", required=True, help="检查轮次名称，如 2022Q2")
@click.option("--until-done", is_flag=True,
              help="持续运行直到监测期结束（默认只做当前到期的探测后退出，适合定时任务）")
@click.option("--time-scale", default=None, metavar="倍数",
              help="时间压缩倍数（仅演示和测试），如 86400/60 表示一天压缩为60秒；"
              "也可用环境变量 GOVINSPECT_PROBE_TIME_SCALE 设置")
@click.option("--per-day", type=click.IntRange(min=1), default=24, show_default=True,
              help="每天探测次数（不少于指标要求的次数）")
@click.option("--timeout", "timeout_s", type=click.FloatRange(min=0, min_open=True),
              default=None, help="单次访问超时秒数（默认取指标体系，15秒）")
@click.option("--workers", type=click.IntRange(min=1), default=16, show_default=True,
              help="同时探测的网站数（每个网站同一时间只有一次访问）")
@click.option("--resolve", "resolve", multiple=True, metavar="HOST=IP",
              help="仅用于测试环境：将主机名解析到指定地址（封闭解析，其余主机视为无法解析）")
@click.option("--allow-private", is_flag=True, help="允许访问内网和本机地址（仅演示和测试）")
@click.option("--tls-ca-file", type=click.Path(exists=True, dir_okay=False), default=None,
              help="除系统证书外另行信任的CA证书（PEM），如自建CA或示例网站群的 network/tls/ca.pem")
@click.option("--quiet", is_flag=True, help="只输出汇总")
def probe(round_name: str, until_done: bool, time_scale: str | None, per_day: int,
          timeout_s: float | None, workers: int, resolve: tuple[str, ...], allow_private: bool,
          tls_ca_file: str | None, quiet: bool) -> None:
    """首页可用性监测（指标 W-V2）：按计划定时访问各网站首页并记录结果。

    重启后接着原计划继续，不重复、不遗漏；Ctrl-C 或 SIGTERM 会在当前访问结束后停止。
    """
    from govinspect.core.probes import OUTCOME_LABELS, ProbeOutcome, parse_time_scale

    scale = None
    if time_scale is not None:
        try:
            scale = parse_time_scale(time_scale)
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="--time-scale") from exc
    mapping = _parse_resolve(resolve)

    django_setup()
    from govinspect.core.indicator_sets import IndicatorSetError
    from govinspect.web.rounds.models import Round
    from govinspect.web.rounds.probes import ProbeError, ProbeEvent, ProbeOptions, run_prober

    round_ = Round.objects.filter(name=round_name).first()
    if round_ is None:
        raise click.ClickException(
            f"没有名为 {round_name} 的检查轮次，请先运行 govinspect round create")

    stop = threading.Event()

    def _stop(signum, _frame) -> None:
        if not stop.is_set():
            click.echo("正在停止：等待进行中的访问结束……", err=True)
        stop.set()

    previous = {s: signal.signal(s, _stop) for s in (signal.SIGINT, signal.SIGTERM)}
    counts = {"done": 0, "failed": 0, "missed": 0}
    last = [time.monotonic()]

    def progress(event: ProbeEvent) -> None:
        counts["done"] += 1
        if event.outcome.failed:
            counts["failed"] += 1
            if not quiet:
                status = f" {event.status}" if event.status else ""
                click.echo(f"{event.site_code} 第{event.slot + 1}次：{OUTCOME_LABELS[event.outcome]}"
                           f"{status}（{event.latency_ms} 毫秒）")
        elif not event.outcome.counted:
            counts["missed"] += 1
        if not quiet and time.monotonic() - last[0] >= 10:
            last[0] = time.monotonic()
            click.echo(f"已记录 {counts['done']} 次（失败 {counts['failed']}，"
                       f"未探测 {counts['missed']}）")

    options = ProbeOptions(time_scale=scale, probes_per_day=per_day, timeout_s=timeout_s,
                           resolve=mapping, allow_private=allow_private, workers=workers,
                           tls_ca_file=tls_ca_file)
    try:
        click.echo(f"开始监测检查轮次 {round_.name}：{round_.sites.count()} 家网站")
        summary = run_prober(round_, options, until_done=until_done, stop=stop,
                             progress=progress)
    except (ProbeError, IndicatorSetError) as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)

    for line in summary.errors:
        click.echo(f"探测出错：{line}", err=True)
    outcome = summary.outcomes
    failed = sum(n for o, n in outcome.items() if ProbeOutcome(o).failed)
    click.echo(f"本次记录 {sum(outcome.values())} 次：正常 {outcome.get('ok', 0)}，失败 {failed}，"
               f"未探测 {outcome.get('missed', 0)}；全轮已记录 {summary.recorded}/{summary.planned}"
               + (f"；标记中断 {summary.interrupted}" if summary.interrupted else ""))
    if summary.stopped:
        click.echo("已停止；再次运行将接着原计划继续。")
    elif summary.done:
        click.echo("监测期已结束，可用性监测结果已写入。")
