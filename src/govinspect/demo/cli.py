import click


@click.command()
def demo() -> None:
    """演示：生成示例市网站群，在本机启动并完成一轮完整检查，输出报告。"""
