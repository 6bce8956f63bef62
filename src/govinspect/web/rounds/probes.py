"""The availability prober (W-V2): probe every site's homepage on schedule over the round's
window, store each visit, and write the W-V2 findings.

Durability: every planned slot becomes exactly one ``Probe`` row. A slot is *claimed* (row
created, unique per round, site and slot) before its visit and completed after it, so:

* a restart skips every slot that has a row — nothing is visited twice;
* a claimed row without outcome (the prober died during the visit) is marked
  ``interrupted``: the request may or may not have gone out, so it is not repeated and not
  counted;
* a slot whose time passed while the prober was down is visited late if it is at most
  ``grace`` (default: one slot interval) overdue — recorded with ``late`` and both times —
  and otherwise recorded as ``missed``. Missed and interrupted slots are not visits of the
  site: they count neither as failures nor in the total (see ``rules.availability``).

One prober per round at a time (a lock file in the round's folder); sites are probed in a
thread pool, one visit per site at a time.
"""

from __future__ import annotations

import contextlib
import fcntl
import heapq
import json
import os
import queue
import threading
from collections import Counter, deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from govinspect.collect.probe import visit
from govinspect.core.indicator_sets import load_indicator_set
from govinspect.core.probes import (
    ProbeOutcome,
    ProbeResult,
    ScaledClock,
    Slot,
    parse_time_scale,
    plan_slots,
    slot_interval,
)
from govinspect.core.types import Finding
from govinspect.rules.availability import INDICATOR, AvailabilityThresholds
from govinspect.rules.base import Scope
from govinspect.rules.engine import rule_ids, run_scope
from govinspect.rules.inputs import ProbeInput, RoundContext
from govinspect.web.roster.models import Site
from govinspect.web.rounds.models import Finding as FindingRow
from govinspect.web.rounds.models import Probe, ReviewState, Round
from govinspect.web.rounds.persist import save_findings

TIME_SCALE_SETTING = "GOVINSPECT_PROBE_TIME_SCALE"
# SQLite has one writer; serialising our own small writes avoids "database is locked".
_WRITE = threading.Lock()


class ProbeError(Exception):
    """The prober cannot run as asked (message in Chinese, for the office)."""


@dataclass(frozen=True)
class ProbeOptions:
    time_scale: float | None = None  # None: the round's stored scale, else the setting, else 1
    probes_per_day: int = 24  # raised to the indicator's minimum when lower
    timeout_s: float | None = None  # None: the indicator's (15 s)
    resolve: dict[str, str] | None = None  # closed-world host → IP map (demo, tests)
    allow_private: bool = False
    tls_ca_file: str | None = None  # extra CA certificates (PEM) trusted besides the system's
    workers: int = 16
    grace: timedelta | None = None  # round time; None: one slot interval


@dataclass(frozen=True)
class ProbeEvent:
    """One recorded slot, for progress display."""

    site_code: str
    slot: int
    outcome: ProbeOutcome
    late: bool = False
    status: int | None = None
    latency_ms: int | None = None


@dataclass
class ProbeSummary:
    planned: int = 0  # slots in the whole window, all sites
    recorded: int = 0  # slots with a final row after this run
    interrupted: int = 0  # claimed rows of a dead prober, marked on start
    outcomes: Counter = field(default_factory=Counter)  # outcomes recorded by this run
    stopped: bool = False
    errors: list[str] = field(default_factory=list)

    @property
    def done(self) -> bool:
        return self.recorded >= self.planned


# ── configuration ────────────────────────────────────────────────────────────────────────
def thresholds_for(round_: Round) -> AvailabilityThresholds:
    iset = load_indicator_set(round_.indicator_set)
    return AvailabilityThresholds.from_indicator(iset.indicators.get(INDICATOR, {}))


def _probe_dir(round_: Round) -> Path:
    # The same folder as services.round_dir (not imported: that pulls in the crawler).
    return Path(settings.WORKSPACE) / "rounds" / round_.name


def _setting_scale() -> float | None:
    raw = getattr(settings, TIME_SCALE_SETTING, None) or os.environ.get(TIME_SCALE_SETTING)
    if raw in (None, ""):
        return None
    try:
        return parse_time_scale(raw)
    except ValueError as exc:
        raise ProbeError(f"设置 {TIME_SCALE_SETTING}：{exc}") from exc


def round_clock(round_: Round, time_scale: float | None, *, create: bool = False) -> ScaledClock:
    """The round's clock. A compressed round stores its anchor in the round's folder on first
    start (``probe-clock.json``) so that a restart continues the same schedule."""
    path = _probe_dir(round_) / "probe-clock.json"
    # A round deleted and created again under the same name must not inherit the old clock.
    identity = f"{round_.pk}/{round_.created.isoformat()}/{round_.window_start.isoformat()}"
    stored = None
    if path.is_file():
        try:
            stored = json.loads(path.read_text(encoding="utf-8"))
            scale = float(stored["time_scale"])
            anchor = datetime.fromisoformat(stored["anchor"])
        except (ValueError, KeyError, TypeError) as exc:
            raise ProbeError(f"探测时钟文件已损坏：{path}") from exc
    if stored is not None and stored.get("round") == identity:
        if time_scale is not None and abs(time_scale - scale) > 1e-9 * scale:
            raise ProbeError(f"检查轮次 {round_.name} 已按时间压缩倍数 {scale:g} 开始监测，"
                             f"不能改为 {time_scale:g}")
        return ScaledClock(round_.window_start, anchor, scale)
    scale = time_scale if time_scale is not None else (_setting_scale() or 1.0)
    if scale == 1.0:
        return ScaledClock(round_.window_start, round_.window_start, 1.0)
    if Probe.objects.filter(round=round_).exists():
        raise ProbeError(f"检查轮次 {round_.name} 已有探测记录，不能更改时间压缩设置")
    clock = ScaledClock(round_.window_start, timezone.now(), scale)
    if create:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps({"round": identity, "time_scale": scale,
                                   "anchor": clock.anchor.isoformat()}), encoding="utf-8")
        os.replace(tmp, path)  # atomic: a restart sees the whole file or none
    return clock


@contextlib.contextmanager
def _round_lock(round_: Round) -> Iterator[None]:
    path = _probe_dir(round_) / "probe.lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise ProbeError(f"另一个探测程序正在监测检查轮次 {round_.name}") from exc
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


# ── planning and recording ───────────────────────────────────────────────────────────────
def plan_round(round_: Round, per_day: int) -> dict[Site, list[Slot]]:
    return {site: plan_slots(site.code, round_.window_start, round_.window_end, per_day)
            for site in round_.sites.order_by("code")}


def recover_interrupted(round_: Round) -> int:
    """Claimed rows left without outcome by a prober that died: their visit's result is
    unknown, so they are marked ``interrupted`` rather than visited again."""
    with _WRITE:
        return Probe.objects.filter(round=round_, outcome="").update(
            outcome=ProbeOutcome.INTERRUPTED.value, error="探测程序在访问过程中停止")


def _claim(row: Probe) -> bool:
    with _WRITE:
        try:
            with transaction.atomic():
                row.save(force_insert=True)
        except IntegrityError:
            return False  # the slot is already recorded
    return True


@dataclass(frozen=True)
class _Job:
    round_: Round
    site: Site
    clock: ScaledClock
    grace: timedelta
    tolerance: timedelta
    timeout_s: float
    options: ProbeOptions


def _probe_slot(job: _Job, slot: Slot) -> ProbeEvent | None:
    """Visit one slot (or record it missed); None when it was already recorded."""
    try:
        wall = timezone.now()
        now = job.clock.round_time(wall)
        lateness = now - slot.planned_at
        base = {"round": job.round_, "site": job.site, "slot": slot.index,
                "planned_at": slot.planned_at}
        if lateness > job.grace:
            row = Probe(**base, outcome=ProbeOutcome.MISSED.value,
                        error="计划时间已过，探测程序未在宽限期内运行")
            return ProbeEvent(job.site.code, slot.index, ProbeOutcome.MISSED) \
                if _claim(row) else None
        late = lateness > job.tolerance
        row = Probe(**base, probed_at=now, started_at=wall, late=late)
        if not _claim(row):
            return None
        result = visit(job.site.homepage, timeout_s=job.timeout_s, resolve=job.options.resolve,
                       allow_private=job.options.allow_private,
                       ca_file=job.options.tls_ca_file)
        row.outcome = result.outcome.value
        row.status = result.status
        row.latency_ms = result.latency_ms
        row.url = result.url
        row.error = result.error
        with _WRITE:
            row.save(update_fields=["outcome", "status", "latency_ms", "url", "error"])
        return ProbeEvent(job.site.code, slot.index, result.outcome, late, result.status,
                          result.latency_ms)
    finally:
        connection.close()  # each worker thread has its own connection; don't leak it


def run_prober(round_: Round, options: ProbeOptions | None = None, *, until_done: bool = False,
               stop: threading.Event | None = None,
               progress: Callable[[ProbeEvent], None] | None = None,
               write_findings: bool = True) -> ProbeSummary:
    """Probe the round's sites on schedule.

    ``until_done``: keep going until every slot of the window is recorded; otherwise one
    pass over the slots due by now (for a timer or cron job). ``stop`` (set it from a signal
    handler) ends the run cleanly: visits in progress finish and are recorded, nothing else
    starts. At the end the W-V2 findings are written from everything recorded so far.
    """
    options = options or ProbeOptions()
    stop = stop or threading.Event()
    thresholds = thresholds_for(round_)
    per_day = max(options.probes_per_day, thresholds.probes_per_day)
    timeout_s = options.timeout_s if options.timeout_s is not None else thresholds.timeout_s
    if timeout_s <= 0:
        raise ProbeError("访问超时时间应大于0秒")
    if options.workers < 1:
        raise ProbeError("并发数应至少为1")
    interval = slot_interval(per_day)
    grace = options.grace if options.grace is not None else interval
    sites = list(round_.sites.order_by("code"))
    if not sites:
        raise ProbeError(f"检查轮次 {round_.name} 没有网站")

    summary = ProbeSummary()
    with _round_lock(round_):
        clock = round_clock(round_, options.time_scale)
        started_round = clock.round_time(timezone.now())
        recorded_any = Probe.objects.filter(round=round_).exists()
        if started_round - grace > round_.window_end and not recorded_any:
            raise ProbeError(f"检查轮次 {round_.name} 的监测期已于 "
                             f"{timezone.localtime(round_.window_end):%Y-%m-%d %H:%M} 结束，"
                             "无法补做可用性监测")
        clock = round_clock(round_, options.time_scale, create=True)
        summary.interrupted = recover_interrupted(round_)
        plan = plan_round(round_, per_day)
        summary.planned = sum(map(len, plan.values()))
        done = set(Probe.objects.filter(round=round_).values_list("site_id", "slot"))
        horizon = None if until_done else clock.round_time(timezone.now())
        pending = {site.id: deque(s for s in slots if (site.id, s.index) not in done
                                  and (horizon is None or s.planned_at <= horizon))
                   for site, slots in plan.items()}
        job_of = {site.id: _Job(round_, site, clock, grace, interval / 10, timeout_s, options)
                  for site in sites}
        heap = [(q[0].planned_at, sid) for sid, q in pending.items() if q]
        heapq.heapify(heap)
        finished: queue.Queue[tuple[int, Future]] = queue.Queue()

        with ThreadPoolExecutor(max_workers=options.workers,
                                thread_name_prefix="probe") as pool:
            in_flight = 0
            try:
                while not stop.is_set():
                    if not heap and in_flight == 0:
                        break
                    wait = 0.5
                    if heap:
                        due = clock.wall_time(heap[0][0])
                        wait = (due - timezone.now()).total_seconds()
                        if wait <= 0:
                            _, sid = heapq.heappop(heap)
                            slot = pending[sid].popleft()
                            future = pool.submit(_probe_slot, job_of[sid], slot)
                            future.add_done_callback(lambda f, sid=sid: finished.put((sid, f)))
                            in_flight += 1
                            continue
                    try:
                        sid, future = finished.get(timeout=min(max(wait, 0.0), 0.5))
                    except queue.Empty:
                        continue
                    in_flight -= 1
                    _collect(future, summary, progress, job_of[sid].site.code)
                    if pending[sid]:  # one visit per site at a time: schedule the next now
                        heapq.heappush(heap, (pending[sid][0].planned_at, sid))
            finally:
                summary.stopped = stop.is_set()
                pool.shutdown(wait=True, cancel_futures=True)
                while not finished.empty():
                    sid, future = finished.get_nowait()
                    if not future.cancelled():
                        _collect(future, summary, progress, job_of[sid].site.code)

    summary.recorded = Probe.objects.filter(round=round_).exclude(outcome="").count()
    if write_findings:
        write_availability_findings(round_)
    return summary


def _collect(future: Future, summary: ProbeSummary,
             progress: Callable[[ProbeEvent], None] | None, site_code: str) -> None:
    exc = future.exception()
    if exc is not None:
        summary.errors.append(f"{site_code}：{type(exc).__name__}: {exc}")
        return
    event = future.result()
    if event is None:
        return
    summary.outcomes[event.outcome.value] += 1
    if progress is not None:
        progress(event)


# ── evidence ─────────────────────────────────────────────────────────────────────────────
def probe_results(round_: Round, site: Site) -> list[ProbeResult]:
    """The site's recorded slots (claimed rows still in progress are left out)."""
    return [p.to_core() for p in
            Probe.objects.filter(round=round_, site=site).exclude(outcome="").order_by("slot")]


def write_availability_findings(round_: Round) -> dict[str, list[Finding]]:
    """Judge every site's recorded visits with the probe-scope rules (W-V2, GI-A001) and
    store the findings; earlier unreviewed findings of these rules in this round that no
    longer hold are removed."""
    ctx = RoundContext(reference_time=round_.reference_time,
                       indicator_set=load_indicator_set(round_.indicator_set),
                       round_name=round_.name)
    probe_rules = rule_ids(Scope.PROBE)
    results: dict[str, list[Finding]] = {}
    for site in round_.sites.order_by("code"):
        ref = site.to_ref()
        findings = run_scope(Scope.PROBE, ProbeInput(ref, tuple(probe_results(round_, site))),
                             ctx, subject=ref.code, url=ref.homepage)
        with _WRITE, transaction.atomic():
            save_findings(round_, site, findings)
            (FindingRow.objects
             .filter(round=round_, site=site, rule_id__in=probe_rules,
                     review_state=ReviewState.PENDING)
             .exclude(fingerprint__in=[f.fingerprint for f in findings])
             .delete())
        results[site.code] = findings
    return results
