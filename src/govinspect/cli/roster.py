from collections.abc import Callable
from pathlib import Path
from typing import Any

import click


@click.group()
def roster() -> None:
    """名录管理：导入、导出网站和政务新媒体名录，生成导入模板。"""


@roster.command(name="import")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
def import_(files: tuple[Path, ...]) -> None:
    """导入名录文件（.xlsx 或 .csv，可一次导入多个）。先检查全部内容，有任何问题则全部不导入。"""
    from govinspect.web.setup import django_setup

    django_setup()
    from govinspect.web.roster.services import RosterImportError, import_roster

    echo_import(lambda: import_roster(*files), RosterImportError)


def echo_import(run: Callable[[], Any], error: type[Exception]) -> None:
    """Run an all-or-nothing import and print its report; on ``error`` (which carries
    ``problems``) print every problem and exit with status 1. Shared with ``review import``."""
    try:
        report = run()
    except error as exc:
        problems: list[str] = exc.problems  # every import error type carries them
        for line in problems:
            click.echo(line, err=True)
        click.echo(f"发现 {len(problems)} 个问题，未导入任何内容。请修改后重新导入。", err=True)
        raise SystemExit(1) from None
    click.echo("导入完成。")
    for line in report.lines():
        click.echo(line)


@roster.command()
@click.argument("out", required=False, type=click.Path(path_type=Path))
def template(out: Path | None) -> None:
    """生成名录导入模板（.xlsx），默认文件名“名录导入模板.xlsx”。"""
    from govinspect.web.setup import django_setup

    django_setup()
    from govinspect.web.roster.services import TEMPLATE_NAME, write_template

    out = out or Path(TEMPLATE_NAME)
    if out.suffix.lower() != ".xlsx" and not out.is_dir():
        raise click.UsageError("模板文件名应以 .xlsx 结尾")
    path = write_template(out)
    click.echo(f"已生成导入模板：{path}")


@roster.command()
@click.argument("out", type=click.Path(path_type=Path))
def export(out: Path) -> None:
    """导出当前名录（.xlsx；或 .csv，此时网站和政务新媒体各写一个文件），格式与导入相同。"""
    if out.suffix.lower() not in (".xlsx", ".csv"):
        raise click.UsageError("导出文件名应以 .xlsx 或 .csv 结尾")
    from govinspect.web.setup import django_setup

    django_setup()
    from govinspect.web.roster.services import csv_export_paths, export_roster

    n = export_roster(out)
    paths = csv_export_paths(out) if out.suffix.lower() == ".csv" else (out,)
    click.echo(f"已导出 {n} 条记录：" + "、".join(str(p) for p in paths))
