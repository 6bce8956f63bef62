"""The Celery application of the workers: ``celery -A govinspect.tasks.app worker`` (or
``govinspect queue worker``). Broker from ``GOVINSPECT_BROKER_URL``; database and workspace from
the same Django settings as the CLI (``GOVINSPECT_DATABASE_URL``, ``GOVINSPECT_WORKSPACE``)."""

from __future__ import annotations

from celery import Celery

from govinspect.web.setup import django_setup

django_setup()

from django.conf import settings  # noqa: E402  (after Django is set up)

app = Celery("govinspect", broker=settings.GOVINSPECT_BROKER_URL or "memory://")
app.conf.update(
    task_default_queue="govinspect",
    # a task is acknowledged when it has finished: a worker killed mid-task leaves it on the
    # broker, which delivers it again (after the visibility timeout) to a live worker
    task_acks_late=True,
    task_reject_on_worker_lost=True,
    worker_prefetch_multiplier=1,  # a worker holds only the task it runs
    task_ignore_result=True,
    broker_connection_retry_on_startup=True,
    broker_transport_options={"visibility_timeout": settings.GOVINSPECT_BROKER_VISIBILITY_S},
    worker_hijack_root_logger=False,
    timezone=settings.TIME_ZONE,
    beat_schedule={
        "probe-tick": {"task": "govinspect.probe.tick",
                       "schedule": settings.GOVINSPECT_PROBE_TICK_S},
        "alerts-tick": {"task": "govinspect.alerts.tick", "schedule": 300.0},
    },
)
app.autodiscover_tasks(["govinspect.tasks"], related_name="stages", force=True)
