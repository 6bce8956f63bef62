"""The stages of a round run from the command line, each idempotent and recorded
(``web.rounds.stages``; the task queue's stages are ``web.pipeline``).

``round run`` calls them in order and skips what is done: a finished collect is not crawled
again (an interrupted one resumes), a finished analysis is not run again unless asked
(``reanalyse``: rules and scoring again over the stored captures, no network).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

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


# ── new media ───────────────────────────────────────────────────────────────────────────
INPUTS = {"sources": "账号采集地址.csv", "inspection": "政务新媒体检查.xlsx",
          "tasks": "转载任务.yaml"}


def _keep_input(round_: Round, kind: str, path: Path | None) -> Path | None:
    """The round's copy of an input file: ``path`` copied in (atomically) when given, else the
    copy an earlier run kept (so a re-run or a re-analysis reads the same inputs)."""
    from govinspect.web.rounds.newmedia import newmedia_dir

    kept = newmedia_dir(round_) / "inputs" / INPUTS[kind]
    if path is not None:
        kept.parent.mkdir(parents=True, exist_ok=True)
        part = kept.with_name(kept.name + ".part")
        shutil.copyfile(path, part)
        os.replace(part, kept)
    return kept if kept.is_file() else None


@dataclass(frozen=True)
class AccountInputs:
    """Per account of the round: what the new-media stage had to inspect it (zh-hans)."""

    fetched: tuple[str, ...]
    by_hand: tuple[str, ...]
    missing: dict[str, str]  # code → why it could not be inspected


def account_inputs(round_: Round, inspection: Path | None) -> AccountInputs:
    import json

    from govinspect.collect.newmedia import read_inspection_xlsx
    from govinspect.web.review.services import round_accounts
    from govinspect.web.rounds.newmedia import newmedia_dir

    index_path = newmedia_dir(round_) / "index.json"
    index = json.loads(index_path.read_text(encoding="utf-8")) if index_path.is_file() else {}
    records = read_inspection_xlsx(inspection)[0] if inspection is not None else []
    recorded = {r.code.upper() for r in records if r.code}
    fetched, by_hand, missing = [], [], {}
    for account in round_accounts(round_).order_by("code"):
        entry = index.get(account.code) or {}
        label = f"{account.name}（{account.code}，{account.platform}）"
        if entry.get("file"):
            fetched.append(account.code)
        elif account.code in recorded:
            by_hand.append(account.code)
        elif entry.get("error"):
            missing[account.code] = f"{label}采集失败：{entry['error']}；检查表中也没有记录"
        else:
            missing[account.code] = f"{label}没有采集地址，检查表中也没有记录"
    return AccountInputs(tuple(fetched), tuple(by_hand), missing)


def newmedia(round_: Round, *, sources: Path | None = None, inspection: Path | None = None,
             tasks: Path | None = None, resolve: dict[str, str] | None = None,
             client=None) -> tuple[StageOutcome, AccountInputs]:
    """Collect the accounts that have a source (feeds, Weibo), read the inspectors'
    workbook, run the new-media rules; every account without any input is named."""
    from govinspect.web.rounds.newmedia import analyse_accounts, collect_accounts, newmedia_dir

    fetch = sources is not None or not (newmedia_dir(round_) / "index.json").is_file()
    sources = _keep_input(round_, "sources", sources)
    inspection = _keep_input(round_, "inspection", inspection)
    tasks = _keep_input(round_, "tasks", tasks)
    stages.mark(round_, stages.NEWMEDIA, stages.RUNNING, pid=os.getpid())
    lines = []
    if sources is not None and fetch:  # given now, or never fetched: else the stored answers
        lines.append(str(collect_accounts(round_, sources, resolve=resolve, client=client)))
    analysis = analyse_accounts(round_, inspection=inspection, tasks=tasks)
    lines.append(str(analysis))
    inputs = account_inputs(round_, inspection)
    stages.mark(round_, stages.NEWMEDIA, stages.DONE, findings=len(analysis.findings),
                missing=len(inputs.missing))
    if inputs.missing:
        lines.append(f"{len(inputs.missing)} 个账号未能检查（没有可用的输入）")
    return StageOutcome(True, "；".join(lines), {"findings": len(analysis.findings)}), inputs
