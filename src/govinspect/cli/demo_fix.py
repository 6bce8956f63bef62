"""`govinspect demo-fix`: the demo network's fix switch, from another terminal (the network is
served by `govinspect serve` in a demo workspace, which reads the switch file on each request)."""

from __future__ import annotations

import json
from pathlib import Path

import click


@click.command("demo-fix")
@click.option("--out", "workspace", type=click.Path(path_type=Path, file_okay=False),
              default=Path("govinspect-demo"), show_default=True,
              help="演示工作目录（make demo 的输出目录）")
@click.option("--site", default=None, help="只修正这家网站（网站标识码）；默认全部网站")
@click.option("--kind", type=click.Choice(["links", "text", "all"]), default="all",
              show_default=True, help="修正哪类预设问题：links 不可用链接，text 错误表述和个人信息，all 全部")
@click.option("--reset", is_flag=True, help="撤销全部修正，恢复原来的预设问题")
def demo_fix(workspace: Path, site: str | None, kind: str, reset: bool) -> None:
    """演示：让示例网站群改为“已整改”后的页面（删除失效链接、更正错误表述、遮盖个人信息）。"""
    from govinspect.demo.workspace import choose, has_network, load_fixes, save_fixes

    if not has_network(workspace):
        raise click.ClickException(f"{workspace} 不是演示工作目录：请先运行 make demo")
    if reset:
        save_fixes(workspace, [])
        click.echo("已撤销全部修正：示例网站恢复原来的预设问题。")
        return
    manifest = json.loads((workspace / "network" / "manifest.json").read_text(encoding="utf-8"))
    entries = manifest["entries"]
    chosen = choose(entries, site=site, kind=kind)
    if not chosen:
        raise click.ClickException("没有可以修正的预设问题（检查网站标识码和 --kind）")
    save_fixes(workspace, load_fixes(workspace) + chosen)
    sites = sorted({entries[i]["site"] for i in chosen})
    click.echo(f"已修正 {len(chosen)} 处预设问题（网站 {'、'.join(sites)}）；"
               "正在运行的 govinspect serve 立即提供修正后的页面。")
