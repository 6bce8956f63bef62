import click


@click.group()
def roster() -> None:
    """名录管理：导入、导出网站和政务新媒体名录，生成导入模板。"""
