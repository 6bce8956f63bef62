"""The stages of a round run from the command line, each idempotent and recorded
(``web.rounds.stages``; the task queue's stages are ``web.pipeline``).

``round run`` calls them in order and skips what is done: a finished collect is not crawled
again (an interrupted one resumes), a finished analysis is not run again unless asked
(``reanalyse``: rules and scoring again over the stored captures, no network).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass

from govinspect.collect.options import CollectOptions
from govinspect.web.rounds import stages
from govinspect.web.rounds.models import Round


@dataclass(frozen=True)
class StageOutcome:
    ran: bool
    message: str  # zh-hans, for the office
    detail: dict | None = None  # figures of the stage (findings, decisions applied …)


def collect(round_: Round, options: CollectOptions, progress: Callable | None = None
            ) -> StageOutcome:
    """Crawl the round's sites, or resume the interrupted crawl; a finished crawl is kept."""
    from govinspect.web.rounds.services import collect_round, ingest_captures

    if stages.collect_finished(round_):
        if stages.state(round_, stages.COLLECT) != stages.DONE:  # killed while storing
            stages.mark(round_, stages.COLLECT, stages.RUNNING)
            pages = ingest_captures(round_)
            stages.mark(round_, stages.COLLECT, stages.DONE, pages=pages)
        return StageOutcome(False, "采集已完成，跳过（未重新访问网站）")
    summary = collect_round(round_, options, progress=progress)
    resumed = f"（续采 {summary.resumed} 次）" if summary.resumed else ""
    return StageOutcome(True, f"采集完成{resumed}：{len(summary.sites)} 家网站，"
                              f"{summary.pages_total} 个页面")


def analysis_needed(round_: Round) -> bool:
    return stages.state(round_, stages.ANALYSIS) != stages.DONE


def analyse(round_: Round, progress: Callable[[int], None] | None = None) -> StageOutcome:
    """Rules over the stored captures, findings stored in one transaction, then the office's
    earlier review decisions applied; the stage is ``done`` only after all of it."""
    from govinspect.web.decisions.services import apply_decisions
    from govinspect.web.rounds.services import analyse_round

    stages.mark(round_, stages.ANALYSIS, stages.RUNNING, pid=os.getpid())
    findings = analyse_round(round_, progress)
    applied = apply_decisions(round_)
    total = sum(map(len, findings.values()))
    stages.mark(round_, stages.ANALYSIS, stages.DONE, findings=total, decisions=applied)
    message = f"分析完成：{total} 条问题"
    if applied:
        message += f"；已按以往的复核决定处理 {applied} 条问题"
    return StageOutcome(True, message, {"findings": total, "decisions_applied": applied})
