"""Hand a round to the task queue, from the API or the CLI."""

from __future__ import annotations

from django.conf import settings


class QueueUnavailable(Exception):
    """No broker is configured (message in Chinese, for the API and the CLI)."""


def broker_url() -> str:
    return getattr(settings, "GOVINSPECT_BROKER_URL", "") or ""


def enqueue_round(round_, *, allow_private: bool = False, workers: int = 1) -> str:
    """Enqueue the whole round (collect → analyse → score → report); returns the task id."""
    if not broker_url():
        raise QueueUnavailable("未配置任务队列（环境变量 GOVINSPECT_BROKER_URL），"
                               f"请在命令行运行 govinspect round run {round_.name}")
    from govinspect.tasks.pipeline import enqueue_round_run

    return enqueue_round_run(round_, allow_private=allow_private, workers=workers)
