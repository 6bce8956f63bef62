"""Collect with several worker processes: sites sharded across them (DESIGN.md, Scale).

One Scrapy process keeps one core busy: its per-request machinery and HTML parsing run under
one GIL. With ``CollectOptions.workers`` > 1 the site list is split into that many shards,
each crawled by its own ``python -m govinspect.collect`` child into ``OUT/shards/NN/`` (a
complete collect folder, resumable on its own), and the results are merged into ``OUT``:

- ``warc/``: each shard's files hard-linked as ``govinspect-wNN-XXXXX.warc.gz`` (no copy),
  and the ``warc_file`` of every capture / attachment line renamed to match;
- every other ``*.jsonl`` output is the shards' files concatenated, in shard order;
- ``summary.json`` sums the shards' counters; it is written last, as in a one-process run.

Politeness is unchanged: a site (and so its hosts) belongs to exactly one shard, and every
shard keeps the per-host concurrency and delays. What is not shared across shards is the
cache of outbound link statuses: an outbound URL linked from sites in two shards is checked
once in each (at most ``workers`` times a round instead of once).

Resume: kill the parent with SIGKILL and its children die with it (PR_SET_PDEATHSIG); run
the same command again and every unfinished shard resumes, finished ones are kept.
"""

from __future__ import annotations

import ctypes
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from govinspect.collect.options import CollectOptions, CollectSummary, ProgressEvent

SHARDS = "shards"
PARENT_STATE = "workers.json"  # the shard plan, beside run.json
STATE_FILES = {"journal.jsonl", "links.pending.jsonl"}  # a shard's resume state


def plan_shards(codes: list[str], workers: int) -> list[list[str]]:
    """Deal site codes round-robin into at most ``workers`` non-empty shards (pure).

    Rosters list a portal before its departments; dealing spreads large and small sites."""
    n = max(1, min(workers, len(codes)))
    return [codes[k::n] for k in range(n)]


def _die_with_parent(parent: int) -> Callable[[], None]:
    """A preexec function: the child gets SIGKILL when the parent dies (Linux), so a killed
    run leaves no orphan crawler writing into the folder that the next run resumes. A parent
    that died between the fork and the prctl is noticed (the child is re-parented) and the
    child exits at once. (Each child also holds its folder's lock: a resume waits for it.)"""

    def preexec() -> None:  # pragma: no cover - runs in the child before exec
        try:
            ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PDEATHSIG
        except (OSError, AttributeError):
            pass
        if os.getppid() != parent:
            os._exit(1)

    return preexec


class _Totals:
    """Progress of all children: the latest event of each, summed."""

    def __init__(self, n: int, sites_total: int, progress: Callable[[ProgressEvent], None]):
        self.latest: list[ProgressEvent | None] = [None] * n
        self.sites_total, self.progress, self.lock = sites_total, progress, threading.Lock()

    def update(self, k: int, event: ProgressEvent) -> None:
        with self.lock:
            self.latest[k] = event
            known = [e for e in self.latest if e is not None]
            self.progress(replace(
                event, done=False, sites_total=self.sites_total,
                pages_total=sum(e.pages_total for e in known),
                links_checked=sum(e.links_checked for e in known)))


def collect_sharded(sites, out_dir: Path, options: CollectOptions,
                    progress: Callable[[ProgressEvent], None] | None,
                    prepare: Callable[[Path, list], dict | None]) -> CollectSummary:
    """``collect_sites`` with ``options.workers`` child processes (see the module doc)."""
    from govinspect.collect.crawl import SUMMARY, CollectError, _atomic_write, sites_to_json

    started, t0 = datetime.now(UTC), time.monotonic()
    run = prepare(out_dir, sites)
    state_file = out_dir / PARENT_STATE
    if run is None or not state_file.exists():
        plan = plan_shards([s.code for s in sites], options.workers)
        _atomic_write(state_file, json.dumps({"shards": plan}, ensure_ascii=False))
    else:
        plan = json.loads(state_file.read_text(encoding="utf-8"))["shards"]
    by_code = {s.code: s for s in sites}
    per_shard = replace(options, workers=1,
                        total_concurrency=max(1, -(-options.total_concurrency // len(plan))))
    totals = _Totals(len(plan), len(sites), progress) if progress else None
    procs: list[tuple[int, subprocess.Popen, threading.Thread | None]] = []
    for k, codes in enumerate(plan):
        shard_dir = out_dir / SHARDS / f"{k:02d}"
        if (shard_dir / SUMMARY).exists():
            continue  # finished before an interruption
        shard_dir.mkdir(parents=True, exist_ok=True)
        (shard_dir.parent / f"{k:02d}.sites.json").write_text(
            sites_to_json([by_code[c] for c in codes]), encoding="utf-8")
        (shard_dir.parent / f"{k:02d}.options.json").write_text(
            json.dumps(per_shard.to_dict(), ensure_ascii=False), encoding="utf-8")
        cmd = [sys.executable, "-m", "govinspect.collect",
               str(shard_dir.parent / f"{k:02d}.sites.json"), str(shard_dir),
               "--options", str(shard_dir.parent / f"{k:02d}.options.json"),
               "--progress-json" if totals else "--quiet"]
        # stderr to a file: a pipe nobody reads while waiting on another child could fill up
        with open(shard_dir.parent / f"{k:02d}.stderr.log", "w", encoding="utf-8") as err:
            proc = subprocess.Popen(cmd, stdout=subprocess.PIPE if totals else subprocess.DEVNULL,
                                    stderr=err, text=True, encoding="utf-8",
                                    preexec_fn=_die_with_parent(os.getpid()))  # noqa: PLW1509
        reader = None
        if totals is not None:
            reader = threading.Thread(target=_relay, args=(k, proc, totals), daemon=True)
            reader.start()
        procs.append((k, proc, reader))
    failures = []
    for k, proc, reader in procs:
        if reader is not None:
            reader.join()
        if proc.wait() != 0:
            stderr = (out_dir / SHARDS / f"{k:02d}.stderr.log").read_text(
                encoding="utf-8", errors="replace")
            failures.append(f"第 {k + 1} 组（{len(plan[k])} 个网站）：{stderr.strip()[-800:]}")
    if failures:
        raise CollectError("采集子进程失败，已完成的部分已保留，用同样的命令再运行一次即可续采。"
                           + "；".join(failures))
    summary = _merge(out_dir, len(plan), started, time.monotonic() - t0,
                     (run or {}).get("resumed", 0))
    if progress:
        progress(ProgressEvent("", 0, 0, summary.targets_checked, summary.pages_total,
                               len(sites), done=True))
    return summary


def _relay(k: int, proc: subprocess.Popen, totals: _Totals) -> None:
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.startswith("{"):
            event = ProgressEvent(**json.loads(line))
            if not event.done:
                totals.update(k, event)


def _merge_prober_ipv6(path: Path, sites: dict) -> None:
    """Each shard judged whether the probe's IPv6 works from its own sites only; the run as a
    whole did reach a site over IPv6 when any shard did (``transport.prober_ipv6``)."""
    from govinspect.collect.crawl import _atomic_write
    from govinspect.collect.transport import prober_ipv6

    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    reach = prober_ipv6(row["facts"] for row in rows)
    for row in rows:
        row["facts"]["prober_ipv6"] = reach
        summary = sites.get(row["site_code"])
        if summary is not None and summary.transport is not None:
            summary.transport["prober_ipv6"] = reach
    _atomic_write(path, "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows))


def _merge(out_dir: Path, n: int, started: datetime, elapsed: float,
           resumed: int) -> CollectSummary:
    """Shards' folders → one collect folder. Idempotent: a kill midway and a rerun give the
    same result (links are made only when missing, merged files are written whole)."""
    from govinspect.collect.crawl import SUMMARY, TRANSPORT, _atomic_write, read_summary

    warc_dir = out_dir / "warc"
    warc_dir.mkdir(exist_ok=True)
    shard_dirs = [out_dir / SHARDS / f"{k:02d}" for k in range(n)]
    summaries = [read_summary(d) for d in shard_dirs]
    renamed: list[dict[str, str]] = []
    warc_files: list[str] = []
    for k, (shard, summary) in enumerate(zip(shard_dirs, summaries, strict=True)):
        names = {}
        for name in summary.warc_files:
            merged = name.replace("govinspect-", f"govinspect-w{k:02d}-", 1)
            if not (warc_dir / merged).exists():
                os.link(shard / "warc" / name, warc_dir / merged)
            names[name] = merged
            warc_files.append(merged)
        renamed.append(names)
    outputs = sorted({p.name for d in shard_dirs for p in d.glob("*.jsonl")} - STATE_FILES)
    for name in outputs:
        part = out_dir / (name + ".part")
        with open(part, "w", encoding="utf-8", buffering=1 << 20) as dst:
            for shard, names in zip(shard_dirs, renamed, strict=True):
                if not (shard / name).exists():
                    continue
                with open(shard / name, encoding="utf-8") as src:
                    for line in src:
                        if '"warc_file"' in line:
                            row = json.loads(line)
                            row["warc_file"] = names.get(row["warc_file"], row["warc_file"])
                            line = json.dumps(row, ensure_ascii=False) + "\n"
                        dst.write(line)
        os.replace(part, out_dir / name)
    sites = {code: site for s in summaries for code, site in s.sites.items()}
    if (out_dir / TRANSPORT).exists():
        _merge_prober_ipv6(out_dir / TRANSPORT, sites)
    summary = CollectSummary(
        out_dir=str(out_dir), started_at=started.isoformat(),
        finished_at=datetime.now(UTC).isoformat(), elapsed_s=round(elapsed, 3),
        pages_total=sum(s.pages_total for s in summaries),
        link_checks_total=sum(s.link_checks_total for s in summaries),
        targets_checked=sum(s.targets_checked for s in summaries),
        warc_files=warc_files,
        sites=sites,
        notes=list(dict.fromkeys(note for s in summaries for note in s.notes)),  # run-wide once
        resumed=resumed,
    )
    _atomic_write(out_dir / SUMMARY, json.dumps(summary.to_dict(), ensure_ascii=False, indent=1))
    # Finished: the shards' folders go (their WARC files live on as the merged links).
    shutil.rmtree(out_dir / SHARDS, ignore_errors=True)
    (out_dir / PARENT_STATE).unlink(missing_ok=True)  # run.json stays, as in one process
    return summary
