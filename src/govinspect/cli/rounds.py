"""`govinspect round …` and `govinspect report`: create a round, run it, write its reports."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click

from govinspect.web.setup import django_setup


def _parse_time(value: str) -> datetime:
    from django.utils import timezone

    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as exc:
        raise click.BadParameter(f"无法识别的时间：{value}（示例：2022-06-30T17:00）") from exc
    return parsed if parsed.tzinfo else timezone.make_aware(parsed)


@click.group(name="round")
def round_() -> None:
    """检查轮次：创建轮次，采集、分析、评分。"""


@round_.command("create")
@click.argument("name")
@click.option("--t", "reference_time", required=True, help="检查时间点，如 2022-06-30T17:00")
@click.option("--set", "indicator_set", default="national-2019", show_default=True,
              help="指标体系")
@click.option("--site", "site_codes", multiple=True, help="只检查这些网站（网站标识码，可多次）")
@click.option("--city", default=None, help="通报中的城市名称，如 滁州市（默认：环境变量 GOVINSPECT_CITY，否则 示例市）")
@click.option("--issuer", default=None,
              help="发文机关，如 滁州市人民政府办公室（默认：GOVINSPECT_ISSUER，否则 城市+人民政府办公室）")
@click.option("--doc-number", default=None, help="通报文号，如 滁政办秘〔2022〕45号")
@click.option("--settings", "settings_file", type=click.Path(exists=True, path_type=Path),
              help="通报设置文件（YAML：city/城市、issuer/发文机关、doc_number/文号、openness/政务公开），"
                   "命令行选项优先")
def create(name: str, reference_time: str, indicator_set: str, site_codes: tuple[str, ...],
           city: str | None, issuer: str | None, doc_number: str | None,
           settings_file: Path | None) -> None:
    """创建（或更新）一个检查轮次，并保存本轮通报的设置（城市、发文机关、文号）。"""
    django_setup()
    from govinspect.core.indicator_sets import IndicatorSetError
    from govinspect.web.rounds import round_settings
    from govinspect.web.rounds.services import RoundError, create_round

    try:
        values = round_settings.read_file(settings_file) if settings_file else {}
    except round_settings.RoundSettingsError as exc:
        raise click.ClickException(str(exc)) from exc
    for key, value in (("city", city), ("issuer", issuer), ("doc_number", doc_number)):
        if value is not None:
            values[key] = value
    try:
        r = create_round(name, _parse_time(reference_time), indicator_set=indicator_set,
                         site_codes=list(site_codes) or None)
    except (RoundError, IndicatorSetError) as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"已创建检查轮次 {r.name}：{r.sites.count()} 家网站，指标体系 {r.indicator_set}")
    if values:
        round_settings.update(r, **values)
    click.echo(notice_settings_line(r))


def notice_settings_line(round_) -> str:
    """The round's 通报 settings in one line (zh-hans), saying where each comes from."""
    from govinspect.web.rounds import round_settings
    from govinspect.web.rounds.notice import city_name, issuer_name

    own = round_settings.read(round_)
    parts = []
    for key, label, value in (("city", "城市", city_name(round_)),
                              ("issuer", "发文机关", issuer_name(round_)),
                              ("doc_number", "文号", own.get("doc_number", ""))):
        if not value:
            parts.append(f"{label}：未设置")
        else:
            parts.append(f"{label}：{value}" + ("" if key in own else "（默认）"))
    return "通报设置 " + "；".join(parts)


@round_.command("run")
@click.argument("name")
@click.option("--resolve", "resolve", multiple=True, metavar="HOST=IP",
              help="仅用于测试环境：将主机名解析到指定地址（封闭解析，其余主机视为无法解析）")
@click.option("--allow-private", is_flag=True, help="允许访问内网和本机地址（仅演示和测试）")
@click.option("--workers", type=click.IntRange(min=0), default=0, show_default=True,
              help="并行采集进程数（网站分组采集，每个网站只由一个进程访问）；0 表示按 CPU 核数")
@click.option("--reanalyse", is_flag=True,
              help="规则或词库更新后重新分析：用已保存的采集结果重新检查和评分，不访问网站")
@click.option("--recollect", "recollect", multiple=True, metavar="网站标识码",
              help="重新采集这些网站（可多次，或用逗号分隔），其他网站的采集结果不变；之后重新分析")
@click.option("--accounts-sources", "sources", type=click.Path(exists=True, path_type=Path),
              help="政务新媒体采集地址表（CSV：账号标识码,采集方式,地址；采集方式 feed 或 weibo）")
@click.option("--inspection", type=click.Path(exists=True, path_type=Path),
              help="政务新媒体人工检查表（.xlsx，模板见 docs/new-media.md）")
@click.option("--repost-tasks", "tasks", type=click.Path(exists=True, path_type=Path),
              help="转载任务（YAML）")
def run(name: str, resolve: tuple[str, ...], allow_private: bool, workers: int,
        reanalyse: bool, recollect: tuple[str, ...], sources: Path | None,
        inspection: Path | None, tasks: Path | None) -> None:
    """采集并分析一个检查轮次的全部网站（可重复运行：已完成的步骤跳过，中断的步骤继续）。"""
    django_setup()
    from govinspect.collect.crawl import CollectError, CollectOptions
    from govinspect.collect.options import default_workers
    from govinspect.web import lifecycle
    from govinspect.web.rounds.models import Round

    round_ = Round.objects.filter(name=name).first()
    if round_ is None:
        raise click.ClickException(f"没有名为 {name} 的检查轮次，请先运行 govinspect round create")
    mapping = {}
    for pair in resolve:
        host, sep, ip = pair.partition("=")
        if not sep:
            raise click.BadParameter(f"--resolve 应写作 主机名=IP：{pair}")
        mapping[host.strip()] = ip.strip()
    options = CollectOptions(resolve=mapping or None, allow_private=allow_private,
                             workers=workers or default_workers())
    codes = [c for value in recollect for c in value.replace("，", ",").replace(" ", ",")
             .split(",") if c]
    if not codes and lifecycle.pending_recollect(round_):  # interrupted: finish it first
        codes = lifecycle.pending_recollect(round_)
        click.echo(f"继续上次未完成的重新采集：{'、'.join(codes)}")
    try:
        with crawl_progress() as progress:
            if codes:
                collected = lifecycle.recollect(round_, codes, options, progress=progress)
            else:
                collected = lifecycle.collect(round_, options, progress=progress)
    except lifecycle.RecollectError as exc:
        raise click.ClickException(str(exc)) from exc
    except CollectError as exc:
        raise click.ClickException(f"采集未完成：{exc}") from exc
    click.echo(collected.message)
    if collected.ran or reanalyse or lifecycle.analysis_needed(round_):
        with analysis_progress(pages_to_analyse(round_)) as progress:
            analysed = lifecycle.analyse(round_, progress)
        click.echo(analysed.message)
        from govinspect.web.alerts.services import notify_round_finished

        notify_round_finished(round_)  # into the alert outbox (docs/alerts.md)
    else:
        click.echo("分析已完成，跳过（规则或词库更新后可用 --reanalyse 重新分析）")
    _newmedia_stage(round_, collected.ran or reanalyse, sources, inspection, tasks,
                    mapping or None)


def _newmedia_stage(round_, again: bool, sources: Path | None, inspection: Path | None,
                    tasks: Path | None, resolve: dict[str, str] | None) -> None:
    """The round's accounts: collected and checked when there are new inputs, when asked
    again, or when the stage has not completed; each account without input is named."""
    from govinspect.web import lifecycle
    from govinspect.web.review.services import round_accounts
    from govinspect.web.rounds import stages
    from govinspect.web.rounds.newmedia import NewMediaRoundError

    if not round_accounts(round_).exists():
        return
    given = any(p is not None for p in (sources, inspection, tasks))
    if not (given or again or stages.state(round_, stages.NEWMEDIA) != stages.DONE):
        click.echo("政务新媒体检查已完成，跳过")
        return
    try:
        outcome, inputs = lifecycle.newmedia(round_, sources=sources, inspection=inspection,
                                             tasks=tasks, resolve=resolve)
    except NewMediaRoundError as exc:
        raise click.ClickException(f"政务新媒体检查未完成：{exc}") from exc
    click.echo(outcome.message)
    for line in inputs.missing.values():
        click.echo(f"  未检查：{line}")


@click.command()
@click.option("--round", "round_name", required=True, help="检查轮次名称，如 2022Q2")
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=None,
              help="输出目录（默认：工作目录/reports/轮次名称）")
@click.option("--notice/--no-notice", default=True, show_default=True,
              help="同时生成通报（.docx）、附件（.xlsx）和通报网页（.html）")
@click.option("--draft", is_flag=True,
              help="生成草稿：轮次尚未完成采集和分析时也生成，每页标注“草稿”")
def report(round_name: str, out_dir: Path | None, notice: bool, draft: bool) -> None:
    """生成检查报告（问题清单 Excel 与 HTML 汇总页）及通报。"""
    django_setup()
    from django.conf import settings

    from govinspect.web.rounds.models import Round
    from govinspect.web.rounds.services import report_round, stamp_outputs
    from govinspect.web.rounds.stages import report_blockers

    round_ = Round.objects.filter(name=round_name).first()
    if round_ is None:
        raise click.ClickException(f"没有名为 {round_name} 的检查轮次")
    blockers = report_blockers(round_)
    if blockers and not draft:
        raise click.ClickException(
            f"{'；'.join(blockers)}，不能生成正式报告。请先运行 govinspect round run {round_name}"
            " 完成采集和分析；如需预览，可加 --draft 生成每页标注“草稿”的报告。")
    out = out_dir or Path(settings.WORKSPACE) / "reports" / round_name
    outcome = report_round(round_, out)
    files = [*outcome.files, out / "summary.json"]
    for path in outcome.files[:3]:
        click.echo(f"已生成 {path}")
    if len(outcome.files) > 3:
        click.echo(f"……以及 {len(outcome.files) - 3} 份各网站整改清单")
    if notice:
        from govinspect.core.indicator_sets import IndicatorSetError
        from govinspect.core.workdays import CalendarDataError, CalendarNotCovered
        from govinspect.reports.notice import NoticeTemplateError
        from govinspect.web.rounds.notice import write_round_notice

        try:
            paths = write_round_notice(round_, out)
        except (IndicatorSetError, CalendarNotCovered, CalendarDataError,
                NoticeTemplateError) as exc:
            raise click.ClickException(f"通报未生成：{exc}") from exc
        files += paths
        for path in paths:
            click.echo(f"已生成 {path}")
        from govinspect.web.rounds import round_settings

        if not round_settings.read(round_).get("openness"):
            click.echo("注意：通报“政务公开”部分尚未录入，已写明“本轮未录入政务公开检查情况”；"
                       f"录入：govinspect review openness --round {round_name} 文件.txt")
        click.echo(notice_settings_line(round_))
    status = stamp_outputs(round_, files, draft=draft or bool(blockers))
    if draft or blockers:
        click.echo("注意：以上为草稿（每页标注“草稿”）" + (f"：{'；'.join(blockers)}" if blockers else ""))
    click.echo(status.sentence())


class crawl_progress:  # noqa: N801  (used as a context manager, reads like a function)
    """A rich progress bar fed by the collector's progress events."""

    def __enter__(self):
        from rich.progress import (
            BarColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
        )

        self._progress = Progress(TextColumn("[bold]采集"), BarColumn(),
                                  TextColumn("网站 {task.fields[sites]} 家  已采集页面 {task.fields[pages]}"
                                             "  已检查链接 {task.fields[links]}"),
                                  TimeElapsedColumn(), transient=False)
        self._task = self._progress.add_task("collect", total=None, sites=0, pages=0, links=0)
        self._progress.start()
        return self._update

    def _update(self, event) -> None:
        self._progress.update(self._task, sites=event.sites_total, pages=event.pages_total,
                              links=event.links_checked)
        if event.done:
            self._progress.update(self._task, total=1, completed=1)

    def __exit__(self, *exc) -> None:
        self._progress.stop()


def wait_with_progress(thread, count, total: int, label: str) -> None:
    """Join ``thread`` while a rich bar shows ``count()`` of ``total`` (and the time left)."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    with Progress(TextColumn(f"[bold]{label}"), BarColumn(), MofNCompleteColumn(),
                  TextColumn("已用"), TimeElapsedColumn(), TextColumn("预计剩余"),
                  TimeRemainingColumn()) as progress:
        task = progress.add_task(label, total=total or None)
        while thread.is_alive():
            thread.join(0.5)
            progress.update(task, completed=count())
        progress.update(task, completed=count())


def pages_to_analyse(round_) -> int:
    """What the analysis bar counts: the round's archived pages and attachments (the analysis
    reads each once from the WARC files)."""
    import itertools

    from govinspect.collect.store import read_attachment_lines, read_capture_lines
    from govinspect.web.rounds.stages import round_dir

    out = round_dir(round_) / "collect"
    return len({(r.get("warc_file"), r.get("warc_offset")) for r in itertools.chain(
        read_capture_lines(out), read_attachment_lines(out)) if r.get("warc_file")})


class analysis_progress:  # noqa: N801  (used as a context manager, reads like a function)
    """A rich progress bar over the pages of a round's analysis."""

    def __init__(self, total: int | None) -> None:
        self._total = total or None

    def __enter__(self):
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        self._progress = Progress(TextColumn("[bold]分析"), BarColumn(), MofNCompleteColumn(),
                                  TextColumn("页面"), TimeElapsedColumn(), TextColumn("预计剩余"),
                                  TimeRemainingColumn())
        self._task = self._progress.add_task("analyse", total=self._total)
        self._progress.start()
        return lambda n: self._progress.update(self._task, completed=n)

    def __exit__(self, *exc) -> None:
        self._progress.stop()
