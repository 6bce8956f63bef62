"""The workspace page of a round's progress on the task queue (reviewers: it names every
unit's sites). Registered in the workspace's URLconf, so the isolation test walks it."""

from __future__ import annotations

from django.shortcuts import render

from govinspect.web.pipeline.services import round_progress
from govinspect.web.workspace.access import REVIEWERS, workspace_view


@workspace_view(REVIEWERS)
def round_progress_view(request, round_id: int):
    round_ = request.scope.get_round(round_id)
    rows = round_progress(round_)
    return render(request, "pipeline/progress.html", {
        "round": round_, "rows": rows, "done": sum(r.done for r in rows)})
