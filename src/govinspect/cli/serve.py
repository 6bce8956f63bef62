import click


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="监听地址")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535),
              help="监听端口")
@click.option("--reload/--no-reload", default=False, show_default=True,
              help="代码变动时自动重启（开发用）")
def serve(host: str, port: int, reload: bool) -> None:
    """在本机启动检查工作台和管理后台（开发用服务器，仅供本机使用；正式部署见 docs/platform.md）。"""
    from govinspect.web.setup import django_setup

    django_setup()
    from django.conf import settings
    from django.core.management import call_command

    click.echo(f"工作目录：{settings.WORKSPACE}")
    click.echo(f"检查工作台：http://{host}:{port}/ 　管理后台：http://{host}:{port}/admin/ "
               "（按 Ctrl+C 停止）")
    click.echo("这是开发用服务器，只适合在本机使用；正式部署（gunicorn + 反向代理 + PostgreSQL）"
               "见 docs/platform.md。")
    click.echo("首次使用请先创建用户：uv run govinspect user add 用户名 --role office")
    # A demo workspace: serve its network again, so the re-check of rectification items can
    # fetch from it (with --reload, only in the process that serves, not in the watcher).
    import os

    from govinspect.demo.workspace import has_network

    if has_network(settings.WORKSPACE) and (not reload or os.environ.get("RUN_MAIN") == "true"):
        _serve_demo_network(settings.WORKSPACE)
    # insecure_serving: the admin's CSS/JS are served by this process (no separate web server).
    call_command("runserver", f"{host}:{port}", use_reloader=reload, insecure_serving=True)


def _serve_demo_network(workspace) -> None:
    from govinspect.demo.server import DemoServerError
    from govinspect.demo.workspace import serve_saved

    try:
        server = serve_saved(workspace)
    except (DemoServerError, OSError) as exc:
        click.echo(f"注意：示例网站群未能启动（{exc}），自动复查将无法抓取示例网站。")
        return
    click.echo(f"示例网站群已在本机启动（{len(server.net.sites)} 家网站，供整改事项的自动复查抓取）。"
               "演示整改：另开终端运行 uv run govinspect demo-fix --site 网站标识码，"
               "示例网站即改为已修正的页面；单位再标记“已整改”，平台自动复查为“已核验”。")
