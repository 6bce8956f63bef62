"""The re-check task runs the recorded 复查中 re-check once (a redelivery returns it), and
enqueueing without a broker is a clear error (the in-process path needs none)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "web"))

pytestmark = pytest.mark.django_db


def test_recheck_task_is_idempotent_and_enqueue_needs_a_broker(settings):
    from workspace_scenario import build

    from govinspect.tasks.stages import recheck
    from govinspect.web.accounts.scope import Scope
    from govinspect.web.pipeline.queue import QueueUnavailable, enqueue_recheck
    from govinspect.web.rectify.models import ItemState, RecheckOutcome
    from govinspect.web.rectify.recheck import start_recheck
    from govinspect.web.rectify.services import transition

    w = build()
    item = w.items["B-account"]
    transition(Scope.for_user(w.users["B"]), item, ItemState.FIXED, "已恢复更新")
    running = start_recheck(item)
    first = recheck(item.pk, running.pk)  # what a worker runs
    assert first["recheck"] == running.pk and first["outcome"] == RecheckOutcome.MANUAL
    again = recheck(item.pk, running.pk)  # the same message delivered again
    assert again == first and item.rechecks.count() == 1
    settings.GOVINSPECT_BROKER_URL = ""
    with pytest.raises(QueueUnavailable, match="GOVINSPECT_BROKER_URL"):
        enqueue_recheck(item)
