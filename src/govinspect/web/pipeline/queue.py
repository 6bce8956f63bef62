"""Hand work to the task queue (docs/scale.md) from the web, the API and the CLI, by task name:
the web layer never imports ``govinspect.tasks`` (the workers import the web's services)."""

from __future__ import annotations

import uuid

from django.conf import settings

ROUND_TASK = "govinspect.round.run"
RECHECK_TASK = "govinspect.item.recheck"
PROBE_TASK = "govinspect.probe.schedule"


class QueueUnavailable(Exception):
    """No broker is configured (message in Chinese, for the API and the CLI)."""


def broker_url() -> str:
    return getattr(settings, "GOVINSPECT_BROKER_URL", "") or ""


def _send(name: str, args: list, kwargs: dict, task_id: str, hint: str) -> str:
    url = broker_url()
    if not url:
        raise QueueUnavailable(f"未配置任务队列（环境变量 GOVINSPECT_BROKER_URL），{hint}")
    from celery import Celery

    client = Celery("govinspect", broker=url, set_as_current=False)
    try:
        client.send_task(name, args=args, kwargs=kwargs, task_id=task_id,
                         queue="govinspect")
    finally:
        client.close()
    return task_id


def enqueue_round(round_, *, allow_private: bool = False, workers: int = 1,
                  options: dict | None = None) -> str:
    """Plan and run the whole round on the workers (collect in ``workers`` shards → merge →
    analyse → score and report). ``options``: CollectOptions fields (tests, demo)."""
    kwargs = {"shards": workers, "options": dict(options or {}, allow_private=allow_private)}
    return _send(ROUND_TASK, [round_.pk], kwargs, f"govinspect-{round_.pk}-run-{uuid.uuid4().hex[:8]}",
                 f"请在命令行运行 govinspect round run {round_.name}")


def enqueue_recheck(item) -> str:
    """``GOVINSPECT_RECHECK = "govinspect.web.pipeline.queue:enqueue_recheck"``: a worker runs
    the item's 复查中 re-check (recorded by ``rectify.recheck.submit_recheck``)."""
    from govinspect.web.rectify.models import RecheckOutcome

    running = item.rechecks.filter(outcome=RecheckOutcome.RUNNING).order_by("-pk").first()
    key = f"r{running.pk}" if running else uuid.uuid4().hex[:8]
    return _send(RECHECK_TASK, [item.pk], {"recheck_id": running.pk if running else None},
                 f"govinspect-item-{item.pk}-recheck-{key}", "请在工作台中人工核验")


def enqueue_probes(round_, options: dict) -> str:
    """Register ``round_`` for the beat-scheduled W-V2 probes (docs/scale.md, Schedules)."""
    return _send(PROBE_TASK, [round_.pk], {"options": options},
                 f"govinspect-{round_.pk}-probe-schedule-{uuid.uuid4().hex[:8]}",
                 f"请运行 govinspect probe --round {round_.name}")
