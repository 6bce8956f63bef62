"""`govinspect alerts …`: scan for alert events and send the outbox."""

from __future__ import annotations

import click


@click.group()
def alerts() -> None:
    """提醒：网站无法访问/恢复、检查完成、整改期限，发往企业微信、钉钉群机器人和电子邮件。"""


@alerts.command("run")
def run() -> None:
    """检查一次：发现新的提醒、生成每日汇总、发送到期的提醒（可由 cron 或任务队列定时运行）。"""
    from govinspect.web.setup import django_setup

    django_setup()
    from govinspect.web.alerts.services import tick

    summary = tick()
    sent = summary.sent
    click.echo(f"新提醒 {summary.alerts} 条，每日汇总 {summary.digests} 份；"
               f"已发送 {sent.sent}，稍后重试 {sent.retried}，放弃 {sent.failed}")
    for line in sent.errors:
        click.echo(f"发送失败：{line}", err=True)
    if sent.failed:
        raise SystemExit(1)


@alerts.command("list")
@click.option("--limit", default=20, show_default=True)
def list_(limit: int) -> None:
    """列出最近的提醒及其发送状态。"""
    from govinspect.web.setup import django_setup

    django_setup()
    from govinspect.web.alerts.models import Alert

    for a in Alert.objects.prefetch_related("deliveries__recipient")[:limit]:
        states = "、".join(f"{d.recipient.name}:{d.get_state_display()}"
                          for d in a.deliveries.all()) or "无接收方"
        click.echo(f"{a.created:%Y-%m-%d %H:%M}\t{a.get_kind_display()}\t{a.title}\t{states}")
