"""Hand work to the task queue (docs/scale.md) from the web and the API, by task name: the web
layer never imports ``govinspect.tasks`` (the workers import the web's services instead)."""

from __future__ import annotations

from django.conf import settings

ROUND_TASK = "govinspect.round.run"


class QueueUnavailable(Exception):
    """No broker is configured (message in Chinese, for the API and the CLI)."""


def broker_url() -> str:
    return getattr(settings, "GOVINSPECT_BROKER_URL", "") or ""


def enqueue_round(round_, *, allow_private: bool = False, workers: int = 1) -> str:
    """Enqueue the whole round (collect → analyse → score → report); returns the task id."""
    url = broker_url()
    if not url:
        raise QueueUnavailable("未配置任务队列（环境变量 GOVINSPECT_BROKER_URL），"
                               f"请在命令行运行 govinspect round run {round_.name}")
    import uuid

    from celery import Celery

    client = Celery("govinspect", broker=url, set_as_current=False)
    task_id = f"round-{round_.pk}-run-{uuid.uuid4().hex[:12]}"
    client.send_task(ROUND_TASK, args=[round_.pk],
                     kwargs={"allow_private": allow_private, "shards": workers},
                     task_id=task_id)
    return task_id
