import click


@click.command()
def serve() -> None:
    """启动管理后台（Web 界面）。"""
