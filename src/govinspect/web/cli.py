import click


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="监听地址")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535),
              help="监听端口")
@click.option("--reload/--no-reload", default=False, show_default=True,
              help="代码变动时自动重启（开发用）")
def serve(host: str, port: int, reload: bool) -> None:
    """启动管理后台（Web 界面），浏览器打开 http://HOST:PORT/admin/ 。"""
    from govinspect.web.setup import django_setup

    django_setup()
    from django.core.management import call_command

    click.echo(f"管理后台：http://{host}:{port}/admin/ （按 Ctrl+C 停止）")
    click.echo("首次使用请先创建管理员账号：uv run django-admin createsuperuser "
               "--settings=govinspect.web.settings")
    # insecure_serving: the admin's CSS/JS are served by this process (no separate web server).
    call_command("runserver", f"{host}:{port}", use_reloader=reload, insecure_serving=True)
