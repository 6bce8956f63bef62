"""The round's stages as Celery tasks. Each task is idempotent and resumable:

* its work is keyed by (round, stage, key) in ``pipeline.Stage``: a task delivered again (the
  broker redelivers a task whose worker died, acks are late) finds its row and either skips a
  finished stage or continues an unfinished one;
* a collect shard is a complete collect folder (``ROUND/collect/shards/NN``, the same layout as
  ``collect.shards``), crawled by ``python -m govinspect.collect``, which resumes from its
  crash-safe journal: a shard killed mid-crawl loses and repeats no capture;
* the merge, the analysis and the report replace their outputs whole.

``advance`` queues every stage whose inputs are ready, at most once (a conditional update of
its row from *pending* to *queued*). One site belongs to one shard, and a shard is crawled by
one process at a time (its folder lock): per-host politeness holds across workers.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from celery.utils.log import get_task_logger
from django.db import transaction
from django.utils import timezone

from govinspect.tasks.app import app
from govinspect.web.pipeline.models import Stage, StageName, StageState
from govinspect.web.rounds.models import Round

log = get_task_logger(__name__)
QUEUE_FILE = "queue.json"  # the plan of a queued run, in ROUND/collect/


def _worker() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


@contextlib.contextmanager
def running(stage: Stage):
    """Mark ``stage`` running for this attempt; done when the block ends, failed (with the
    error, then re-raised) when it raises."""
    Stage.objects.filter(pk=stage.pk).update(
        state=StageState.RUNNING, attempts=stage.attempts + 1, worker=_worker(),
        started_at=timezone.now(), error="")
    try:
        yield
    except BaseException as exc:
        Stage.objects.filter(pk=stage.pk).update(state=StageState.FAILED,
                                                 error=f"{type(exc).__name__}: {exc}"[:4000],
                                                 finished_at=timezone.now())
        raise
    Stage.objects.filter(pk=stage.pk).update(state=StageState.DONE, finished_at=timezone.now())


def _stage(round_id: int, name: str, key: str) -> Stage | None:
    """The stage's row, or None when it is already done (a repeated delivery)."""
    stage = Stage.objects.get(round_id=round_id, stage=name, key=key)
    return None if stage.state == StageState.DONE else stage


def _collect_dir(round_: Round) -> Path:
    from govinspect.web.rounds.services import round_dir

    return round_dir(round_) / "collect"


# ── plan ──────────────────────────────────────────────────────────────────────────────────

@app.task(name="govinspect.round.run")
def run_round(round_id: int, shards: int = 1, options: dict | None = None) -> None:
    """Plan the round's stages (once) and queue the first ones."""
    plan_round(Round.objects.get(pk=round_id), shards, options or {})
    advance(round_id)


def plan_round(round_: Round, shards: int, options: dict) -> list[Stage]:
    """Stages of a queued round: one collect stage per shard of sites, then merge, analyse,
    report. Planning again (a second ``run``, a redelivery) keeps the existing plan."""
    from govinspect.collect.crawl import (
        CollectOptions,
        _atomic_write,
        _prepare_out_dir,
        lock_out_dir,
        sites_to_json,
    )
    from govinspect.collect.shards import PARENT_STATE, SHARDS, plan_shards

    with transaction.atomic():
        existing = list(Stage.objects.select_for_update().filter(
            round=round_, stage__in=[StageName.COLLECT, StageName.MERGE, StageName.ANALYSE,
                                     StageName.REPORT]))
        if existing:
            return existing
        sites = [s.to_ref() for s in round_.sites.order_by("code")]
        opts = CollectOptions(**{k: v for k, v in options.items()
                                 if k in CollectOptions.__dataclass_fields__})
        if not opts.sample_seed:
            opts = replace(opts, sample_seed=round_.name)
        if opts.roster_hosts is None:
            from govinspect.collect.crawl import roster_hosts

            opts = replace(opts, roster_hosts=roster_hosts(sites))
        per_shard = replace(opts, workers=1)
        plan = plan_shards([s.code for s in sites], max(1, shards))
        out = _collect_dir(round_)
        lock = lock_out_dir(out)
        try:
            run = _prepare_out_dir(out, sites, sharded=True)
            if run is None or not (out / PARENT_STATE).exists():
                _atomic_write(out / PARENT_STATE, json.dumps({"shards": plan}, ensure_ascii=False))
            else:
                plan = json.loads((out / PARENT_STATE).read_text(encoding="utf-8"))["shards"]
            by_code = {s.code: s for s in sites}
            for k, codes in enumerate(plan):
                shard_dir = out / SHARDS / f"{k:02d}"
                shard_dir.mkdir(parents=True, exist_ok=True)
                (out / SHARDS / f"{k:02d}.sites.json").write_text(
                    sites_to_json([by_code[c] for c in codes]), encoding="utf-8")
                (out / SHARDS / f"{k:02d}.options.json").write_text(
                    json.dumps(per_shard.to_dict(), ensure_ascii=False), encoding="utf-8")
            _atomic_write(out / QUEUE_FILE, json.dumps(
                {"started": datetime.now(UTC).isoformat(), "shards": len(plan),
                 "resumed": (run or {}).get("resumed", 0)}))
        finally:
            os.close(lock)
        made = [Stage.objects.create(round=round_, stage=StageName.COLLECT, key=f"shard-{k:02d}",
                                     sites=codes) for k, codes in enumerate(plan)]
        made += [Stage.objects.create(round=round_, stage=name, key="round")
                 for name in (StageName.MERGE, StageName.ANALYSE, StageName.REPORT)]
    return made


NEXT = {StageName.MERGE: StageName.COLLECT, StageName.ANALYSE: StageName.MERGE,
        StageName.REPORT: StageName.ANALYSE}
TASKS = {StageName.COLLECT: "govinspect.round.collect_shard",
         StageName.MERGE: "govinspect.round.merge", StageName.ANALYSE: "govinspect.round.analyse",
         StageName.REPORT: "govinspect.round.report"}


def advance(round_id: int) -> list[str]:
    """Queue every pending stage whose inputs are done; each at most once."""
    stages = list(Stage.objects.filter(round_id=round_id, stage__in=list(TASKS)))
    by_stage: dict[str, list[Stage]] = {}
    for s in stages:
        by_stage.setdefault(s.stage, []).append(s)
    ready = []
    for s in stages:
        if s.state != StageState.PENDING:
            continue
        before = NEXT.get(s.stage)
        if before is None or all(x.state == StageState.DONE for x in by_stage.get(before, [])):
            ready.append(s)
    queued = []
    for s in ready:
        # only the caller whose update matched queues it (another advance sees 0 rows)
        if Stage.objects.filter(pk=s.pk, state=StageState.PENDING).update(
                state=StageState.QUEUED, task_id=s.task_name):
            app.send_task(TASKS[s.stage], args=[round_id, s.key], task_id=s.task_name,
                          queue="govinspect")
            queued.append(s.task_name)
    return queued


# ── stages ────────────────────────────────────────────────────────────────────────────────

def _die_with_parent():
    from govinspect.collect.shards import _die_with_parent as preexec

    return preexec(os.getpid())


@app.task(name="govinspect.round.collect_shard")
def collect_shard(round_id: int, key: str) -> None:
    """Crawl one shard's sites (resuming its journal when an earlier attempt died)."""
    from govinspect.collect.crawl import SUMMARY, CollectError
    from govinspect.collect.shards import SHARDS

    stage = _stage(round_id, StageName.COLLECT, key)
    if stage is not None:
        round_ = Round.objects.get(pk=round_id)
        k = int(key.split("-")[1])
        base = _collect_dir(round_) / SHARDS
        shard_dir = base / f"{k:02d}"
        with running(stage):
            if not (shard_dir / SUMMARY).exists():
                cmd = [sys.executable, "-m", "govinspect.collect", str(base / f"{k:02d}.sites.json"),
                       str(shard_dir), "--options", str(base / f"{k:02d}.options.json"), "--quiet"]
                with open(base / f"{k:02d}.stderr.log", "w", encoding="utf-8") as err:
                    # the crawler dies with this worker (kill -9 included): the redelivered task
                    # resumes the shard, no orphan keeps writing into it
                    code = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err,
                                            preexec_fn=_die_with_parent()).wait()  # noqa: PLW1509
                if code != 0:
                    text = (base / f"{k:02d}.stderr.log").read_text(encoding="utf-8",
                                                                   errors="replace")
                    raise CollectError(f"第 {k + 1} 组采集失败（退出码 {code}）：{text[-800:]}")
    advance(round_id)


@app.task(name="govinspect.round.merge")
def merge(round_id: int, key: str = "round") -> None:
    """The shards' folders → the round's collect folder; captures into the database."""
    from govinspect.collect.crawl import SUMMARY, lock_out_dir
    from govinspect.collect.shards import _merge
    from govinspect.web.rounds.services import ingest_captures

    stage = _stage(round_id, StageName.MERGE, key)
    if stage is not None:
        round_ = Round.objects.get(pk=round_id)
        out = _collect_dir(round_)
        with running(stage):
            plan = json.loads((out / QUEUE_FILE).read_text(encoding="utf-8"))
            lock = lock_out_dir(out)
            try:
                if not (out / SUMMARY).exists():
                    started = datetime.fromisoformat(plan["started"])
                    _merge(out, plan["shards"], started,
                           (datetime.now(UTC) - started).total_seconds(), plan["resumed"])
            finally:
                os.close(lock)
            captures = ingest_captures(round_)
            Stage.objects.filter(pk=stage.pk).update(detail={"captures": captures})
    advance(round_id)


@app.task(name="govinspect.round.analyse")
def analyse(round_id: int, key: str = "round") -> None:
    from govinspect.web import lifecycle

    stage = _stage(round_id, StageName.ANALYSE, key)
    if stage is not None:
        round_ = Round.objects.get(pk=round_id)
        with running(stage):
            # the same stage as `round run` (recorded, so `report` knows it completed)
            outcome = lifecycle.analyse(round_)
            Stage.objects.filter(pk=stage.pk).update(detail=outcome.detail)
    advance(round_id)


@app.task(name="govinspect.round.report")
def report(round_id: int, key: str = "round") -> None:
    """Score the round and write its reports (ROUND/report); tell the office it is done."""
    from govinspect.web.alerts.services import notify_round_finished
    from govinspect.web.rounds.services import report_round, round_dir

    stage = _stage(round_id, StageName.REPORT, key)
    if stage is not None:
        round_ = Round.objects.get(pk=round_id)
        with running(stage):
            outcome = report_round(round_, round_dir(round_) / "report")
            Stage.objects.filter(pk=stage.pk).update(detail={"files": [str(p.name) for p in
                                                                       outcome.files]})
        notify_round_finished(round_)


@app.task(name="govinspect.item.recheck")
def recheck(item_id: int, recheck_id: int | None = None) -> dict:
    """Re-check one rectification item (``rectify.recheck``: re-fetch its pages, re-run its
    rule). Idempotent: the 复查中 re-check recorded when the unit marked the item 已整改 is run
    once; a redelivered task finds it finished and returns it."""
    from govinspect.web.rectify.recheck import recheck_item, run_recheck

    result = run_recheck(recheck_id) if recheck_id else recheck_item(item_id)
    return {"item": item_id, "recheck": result.pk, "outcome": result.outcome}


# ── W-V2 probes on the beat schedule ──────────────────────────────────────────────────────

@app.task(name="govinspect.probe.schedule")
def schedule_probes(round_id: int, options: dict | None = None) -> None:
    """Register a round for beat-scheduled probing (its options kept in the stage row)."""
    stage, created = Stage.objects.get_or_create(
        round_id=round_id, stage=StageName.PROBE, key="schedule",
        defaults={"state": StageState.QUEUED, "detail": {"options": options or {}}})
    if not created and stage.state != StageState.DONE:
        Stage.objects.filter(pk=stage.pk).update(detail={"options": options or {}},
                                                 state=StageState.QUEUED)
    probe_round.apply_async(args=[round_id], queue="govinspect")


@app.task(name="govinspect.probe.tick")
def probe_tick() -> list[int]:
    """Beat: one probe pass for every registered round still monitoring."""
    ids = list(Stage.objects.filter(stage=StageName.PROBE, key="schedule")
               .exclude(state__in=[StageState.DONE, StageState.FAILED])
               .values_list("round_id", flat=True))
    for round_id in ids:
        probe_round.apply_async(args=[round_id], queue="govinspect")
    return ids


@contextlib.contextmanager
def held(name: str, ttl: float = 10.0):
    """A Redis lock across all workers, kept alive while the block runs (extended every ttl/3
    seconds) and gone ``ttl`` seconds after its holder died; yields False when another holds it."""
    import threading

    import redis
    from django.conf import settings

    client = redis.Redis.from_url(settings.GOVINSPECT_BROKER_URL)
    lock = client.lock(name, timeout=ttl, blocking=False)
    if not lock.acquire():
        yield False
        return
    stop = threading.Event()

    def keep_alive():
        while not stop.wait(ttl / 3):
            with contextlib.suppress(Exception):
                lock.extend(ttl, replace_ttl=True)

    thread = threading.Thread(target=keep_alive, daemon=True)
    thread.start()
    try:
        yield True
    finally:
        stop.set()
        thread.join()
        with contextlib.suppress(Exception):
            lock.release()
        client.close()


@app.task(name="govinspect.probe.round")
def probe_round(round_id: int) -> dict:
    """One pass over the slots due by now (``run_prober`` without ``until_done``). One pass
    per round at a time across all workers (a Redis lock; the prober's own lock file only
    covers one machine); each slot is claimed in the database before its visit, so a pass
    killed mid-visit never visits that slot again (docs/probe.md)."""
    from govinspect.web.rounds.probes import ProbeError, ProbeOptions, run_prober

    stage = Stage.objects.get(round_id=round_id, stage=StageName.PROBE, key="schedule")
    if stage.state == StageState.DONE:
        return {"done": True}
    opts = dict(stage.detail.get("options") or {})
    with held(f"govinspect:probe:{round_id}") as mine:
        if not mine:
            return {"skipped": "another pass is running"}
        round_ = Round.objects.get(pk=round_id)
        Stage.objects.filter(pk=stage.pk).update(state=StageState.RUNNING, worker=_worker(),
                                                 started_at=stage.started_at or timezone.now())
        known = {k: v for k, v in opts.items() if k in ProbeOptions.__dataclass_fields__}
        if opts.get("grace_s") is not None:  # JSON has no timedelta: round-time seconds
            known["grace"] = timedelta(seconds=float(opts["grace_s"]))
        try:
            summary = run_prober(round_, ProbeOptions(**known))
        except ProbeError as exc:
            Stage.objects.filter(pk=stage.pk).update(state=StageState.FAILED, error=str(exc))
            raise
        counts = {"planned": summary.planned, "recorded": summary.recorded}
        Stage.objects.filter(pk=stage.pk).update(
            detail={"options": opts, **counts},
            **({"state": StageState.DONE, "finished_at": timezone.now()} if summary.done else {}))
        return counts


@app.task(name="govinspect.alerts.tick")
def alerts_tick() -> dict:
    from govinspect.web.alerts.services import tick

    summary = tick()
    return {"alerts": summary.alerts, "sent": summary.sent.sent}
