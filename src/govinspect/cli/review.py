"""`govinspect review …`: what only a person can judge, from an .xlsx template or the command
line (simulated 咨询 questions, manual findings, new-media account checks)."""

from __future__ import annotations

import getpass
from pathlib import Path

import click

from govinspect.cli.roster import echo_import
from govinspect.web.setup import django_setup

CLI_LABEL = "命令行"


def _round(name: str):
    from govinspect.web.rounds.models import Round

    round_ = Round.objects.filter(name=name).first()
    if round_ is None:
        raise click.ClickException(f"没有名为 {name} 的检查轮次，请先运行 govinspect round create")
    return round_


def _user(by: str | None) -> str:
    if by:
        return by
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no login name (containers): leave it blank
        return ""


def _import(round_name: str, tables, by: str | None) -> None:
    from govinspect.web.review.services import ReviewImportError, import_tables

    try:
        report = import_tables(_round(round_name), tables, entered_by=_user(by))
    except ReviewImportError as exc:
        for line in exc.problems:
            click.echo(line.replace(f"{CLI_LABEL} 第2行", "参数"), err=True)
        click.echo(f"发现 {len(exc.problems)} 个问题，未录入任何内容。", err=True)
        raise SystemExit(1) from None
    click.echo("录入完成。" + "；".join(report.lines()))


def _one_row(sheet, values: dict[str, object]):
    """A command-line entry as a one-row table, so it is checked like a template row."""
    from govinspect.core.roster import Table
    from govinspect.indicators.manual_io import COLUMNS

    headers = [c.header for c in COLUMNS[sheet]]
    return [Table(CLI_LABEL, headers, [(2, [values.get(h) for h in headers])])]


@click.group()
def review() -> None:
    """人工检查：模拟咨询、人工发现的问题、政务新媒体检查情况（模板导入或命令行录入）。"""


@review.command()
@click.argument("out", required=False, type=click.Path(path_type=Path))
@click.option("--round", "round_name", default=None,
              help="填入该轮次已录入的内容（导出后修改再导入），并使用其指标体系")
@click.option("--set", "indicator_set", default="national-2019", show_default=True,
              help="指标体系（未指定 --round 时用于“指标与扣分项”工作表）")
def template(out: Path | None, round_name: str | None, indicator_set: str) -> None:
    """生成人工检查导入模板（.xlsx），默认文件名“人工检查导入模板.xlsx”。"""
    django_setup()
    from govinspect.core.indicator_sets import IndicatorSetError
    from govinspect.web.review.services import TEMPLATE_NAME, write_review_template

    out = out or Path(TEMPLATE_NAME)
    if out.suffix.lower() != ".xlsx" and not out.is_dir():
        raise click.UsageError("模板文件名应以 .xlsx 结尾")
    round_ = _round(round_name) if round_name else None
    try:
        path = write_review_template(out, round_=round_, indicator_set=indicator_set)
    except IndicatorSetError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"已生成人工检查模板：{path}")


@review.command(name="import")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--round", "round_name", required=True, help="检查轮次名称，如 2022Q2")
@click.option("--by", default=None, help="录入人（默认：当前系统用户）")
def import_(file: Path, round_name: str, by: str | None) -> None:
    """导入人工检查表（.xlsx 或单个工作表的 .csv）。先检查全部内容，有任何问题则全部不导入。"""
    django_setup()
    from govinspect.web.review.services import ReviewImportError, import_review

    round_, entered_by = _round(round_name), _user(by)
    echo_import(lambda: import_review(file, round_, entered_by=entered_by), ReviewImportError)


@review.command()
@click.option("--round", "round_name", required=True, help="检查轮次名称")
@click.option("--site", required=True, help="网站标识码")
@click.option("--asked", required=True, help="提问时间，如 2022-06-24 15:30")
@click.option("--answered", default=None, help="答复时间；未答复不填")
@click.option("--ineffective", is_flag=True, help="答复推诿、敷衍（视为未答复）")
@click.option("--question", default="", help="问题内容")
@click.option("--note", default="", help="备注")
@click.option("--by", default=None, help="录入人")
def inquiry(round_name, site, asked, answered, ineffective, question, note, by) -> None:
    """录入一条模拟咨询。"""
    django_setup()
    from govinspect.indicators.manual_io import Sheet

    effective = "否" if ineffective else ("是" if answered else "")
    _import(round_name, _one_row(Sheet.INQUIRY, {
        "网站标识码": site, "问题": question, "提问时间": asked, "答复时间": answered,
        "答复是否有效": effective, "备注": note}), by)


@review.command()
@click.argument("subject")
@click.argument("indicator")
@click.option("--round", "round_name", required=True, help="检查轮次名称")
@click.option("--item", default="", help="扣分项（代码或说明；指标只有一个扣分项时可不填）")
@click.option("--message", required=True, help="问题描述")
@click.option("--url", default="", help="证据网址")
@click.option("--points", default="", help="指定分值（不填按指标体系）")
@click.option("--by", default=None, help="录入人")
def finding(subject, indicator, round_name, item, message, url, points, by) -> None:
    """录入一条人工检查问题：SUBJECT 为网站标识码或账号标识码，INDICATOR 如 W-D16。"""
    django_setup()
    from govinspect.indicators.manual_io import POINTS_HEADER, Sheet

    _import(round_name, _one_row(Sheet.FINDING, {
        "网站标识码或账号标识码": subject, "指标": indicator, "扣分项": item,
        "问题描述": message, "证据网址": url, POINTS_HEADER: points}), by)


@review.command()
@click.argument("code")
@click.option("--round", "round_name", required=True, help="检查轮次名称")
@click.option("--last-post", default="", help="最后发布时间，如 2022-06-20 17:12")
@click.option("--interaction", type=click.Choice(["是", "否"]), default=None,
              help="互动功能是否可用")
@click.option("--menus", default="", help="菜单及最后更新时间，如“办事服务 2022-06-01；联系我们 2022-05-03”")
@click.option("--notes", default="", help="备注")
@click.option("--by", default=None, help="录入人")
def account(code, round_name, last_post, interaction, menus, notes, by) -> None:
    """录入一个政务新媒体账号的检查情况（最后发布时间用于判断是否超期未更新）。"""
    django_setup()
    from govinspect.indicators.manual_io import Sheet

    _import(round_name, _one_row(Sheet.ACCOUNT, {
        "账号标识码": code, "最后发布时间": last_post, "互动功能是否可用": interaction,
        "菜单及最后更新时间": menus, "备注": notes}), by)


@review.command()
@click.argument("file", required=False, type=click.Path(exists=True, path_type=Path))
@click.option("--round", "round_name", required=True, help="检查轮次名称")
@click.option("--text", default=None, help="直接给出文字（代替文件）；空字符串表示清除")
def openness(file: Path | None, round_name: str, text: str | None) -> None:
    """录入本轮政务公开检查情况（通报“一、（三）政务公开”一段的文字，UTF-8 文本文件或 --text）。"""
    django_setup()
    from govinspect.web.rounds import round_settings

    if (file is None) == (text is None):
        raise click.UsageError("请给出一个文本文件，或用 --text 给出文字")
    value = text if text is not None else file.read_text(encoding="utf-8")
    # one paragraph of the 通报 per non-empty line
    value = "\n".join(line.strip() for line in value.splitlines() if line.strip())
    round_settings.update(_round(round_name), openness=value)
    click.echo(f"已录入 {round_name} 的政务公开检查情况（{len(value)} 字）" if value
               else f"已清除 {round_name} 的政务公开检查情况")


@review.command()
@click.argument("figures", nargs=-1, required=True, metavar="数据项=数值...")
@click.option("--round", "round_name", required=True, help="本轮名称（填写的是其上一轮的数据）")
def previous(figures: tuple[str, ...], round_name: str) -> None:
    """录入上一轮已公布的数据（上一轮未在本平台检查时），如 inquiry_within_1_rate=64.20。"""
    django_setup()
    from decimal import Decimal, InvalidOperation

    from govinspect.web.review.services import ReviewImportError, set_previous_figures

    values = {}
    for pair in figures:
        key, sep, value = pair.partition("=")
        try:
            if not sep:
                raise InvalidOperation
            values[key.strip()] = Decimal(value.strip())
        except InvalidOperation:
            raise click.BadParameter(f"应写作 数据项=数值：{pair}") from None
    try:
        set_previous_figures(_round(round_name), values)
    except ReviewImportError as exc:
        raise click.ClickException("\n".join(exc.problems)) from None
    click.echo(f"已录入 {len(values)} 项上一轮数据。")
