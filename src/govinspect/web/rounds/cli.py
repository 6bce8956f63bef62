import click


@click.group(name="round")
def round_() -> None:
    """检查轮次：创建轮次，采集、分析、评分。"""


@click.command()
def report() -> None:
    """生成检查报告（问题清单 Excel 与 HTML 汇总页）。"""
