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


RECOLLECT_STATE = "recollect.json"


class RecollectError(ValueError):
    """A re-collection the office asked for that cannot run (message in Chinese)."""


def pending_recollect(round_: Round) -> list[str]:
    """The sites of a re-collection that was interrupted (empty when none is)."""
    import json

    try:
        state = json.loads((stages.round_dir(round_) / RECOLLECT_STATE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    return list(state.get("sites") or []) if isinstance(state, dict) else []


def recollect(round_: Round, codes: list[str], options: CollectOptions,
              progress: Callable | None = None) -> StageOutcome:
    """Crawl the named sites of a collected round again and put the result in place of their
    earlier captures, links and faults (``collect.recollect``); the other sites' captures are
    kept. Interrupted, the same command resumes it (the crawl resumes, the merge and the
    storing are idempotent). The analysis must run again afterwards."""
    import dataclasses
    import json

    from govinspect.collect.crawl import collect_sites
    from govinspect.collect.recollect import merge_recollected
    from govinspect.web.rounds.models import Capture
    from govinspect.web.rounds.persist import save_captures

    if not stages.collect_finished(round_):
        raise RecollectError(f"检查轮次 {round_.name} 尚未完成采集，请先运行 govinspect round run "
                             f"{round_.name}（不加 --recollect）")
    known = {s.code: s for s in round_.sites.all()}
    wanted = sorted(dict.fromkeys(codes))
    unknown = [c for c in wanted if c not in known]
    if unknown:
        raise RecollectError(f"检查轮次 {round_.name} 中没有这些网站：{'、'.join(unknown)}")
    folder = stages.round_dir(round_)
    state_path = folder / RECOLLECT_STATE
    try:
        state = json.loads(state_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        state = None
    if state and sorted(state.get("sites") or []) != wanted:
        raise RecollectError(
            f"上次重新采集（{'、'.join(state.get('sites') or [])}）尚未完成，请先用同样的网站再运行"
            f" govinspect round run {round_.name} --recollect 完成它")
    base = folder / "recollect"
    if not state:
        used = [p.name for p in base.glob("r*")] if base.is_dir() else []
        used += [w.name.split("-")[1] for w in (folder / "collect" / "warc").glob(
            "govinspect-r*-*.warc.gz")]
        n = max((int(u[1:]) for u in used if u[1:].isdigit()), default=0) + 1
        state = {"sites": wanted, "tag": f"r{n:02d}"}
        state_path.parent.mkdir(parents=True, exist_ok=True)
        part = state_path.with_name(RECOLLECT_STATE + ".part")
        part.write_text(json.dumps(state, ensure_ascii=False), encoding="utf-8")
        os.replace(part, state_path)
    tag = state["tag"]
    fresh = base / tag
    for stale in (base.glob("r*") if base.is_dir() else ()):  # left by an earlier finished one
        if stale.name != tag:
            shutil.rmtree(stale, ignore_errors=True)

    stages.mark(round_, stages.COLLECT, stages.RUNNING, recollect=wanted)
    if not (fresh / "summary.json").exists():  # else crawled already: merge and store again
        if not options.sample_seed:  # the round's samples (W-D25), as in the first crawl
            options = dataclasses.replace(options, sample_seed=round_.name)
        collect_sites([known[c].to_ref() for c in wanted], fresh, options, progress=progress)
    summary = merge_recollected(folder / "collect", fresh, set(wanted), tag)
    from django.db import transaction

    from govinspect.collect.store import read_captures

    records: dict[str, list] = {}
    for record in read_captures(folder / "collect"):
        if record.site_code in known and record.site_code in wanted:
            records.setdefault(record.site_code, []).append(record)
    with transaction.atomic():  # the sites' earlier captures go, the new ones come
        Capture.objects.filter(round=round_, site__code__in=wanted).delete()
        for code, rows in records.items():
            save_captures(round_, known[code], rows)
    stages.mark(round_, stages.COLLECT, stages.DONE, pages=summary.pages_total,
                recollected=wanted)
    state_path.unlink(missing_ok=True)
    shutil.rmtree(fresh, ignore_errors=True)
    pages = sum(len(v) for v in records.values())
    names = "、".join(f"{known[c].name}（{c}）" for c in wanted)
    return StageOutcome(True, f"重新采集完成：{names}，{pages} 个页面；其他网站的采集结果保持不变",
                        {"sites": wanted, "pages": pages})


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
