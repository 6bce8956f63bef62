"""Issue 16 item 2 (analysis half): kill -9 while a round's analysis runs, at several moments;
the round is never reported as final in between, and `round run` resumes the analysis to the
same findings and scores as an uninterrupted one."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time

import pytest

pytestmark = pytest.mark.slow

KILLS = 3


def stage(net) -> dict:
    try:
        stages = json.loads((net.workspace / "rounds" / "R1" / "stages.json")
                            .read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return stages.get("analysis", {})


def outputs(net, out) -> tuple[set, dict]:
    net.gi("report", "--round", "R1", "--out", str(out), "--no-notice")
    findings = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    return ({f["fingerprint"] for f in findings},
            {s["code"]: (s["score"], s["passed"]) for s in summary["sites"]})


def wait_for(condition, bound_s: float = 300.0, what: str = "") -> None:
    end = time.monotonic() + bound_s
    while not condition():
        assert time.monotonic() < end, f"gave up waiting for {what}"
        time.sleep(0.01)


def reanalyse(net) -> subprocess.Popen:
    proc = subprocess.Popen(
        [sys.executable, "-m", "govinspect.cli", "round", "run", "R1", "--reanalyse",
         *net.resolve_args(), "--allow-private", "--workers", "1"],
        env=net.env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for(lambda: stage(net).get("pid") == proc.pid or proc.poll() is not None,
             what="the analysis to start")
    return proc


def test_kill_during_analysis_is_never_final(small_network, tmp_path):
    net = small_network
    net.gi("round", "create", "R1", "--t", "2022-06-30T17:00")
    net.run_round("R1")
    reference = outputs(net, tmp_path / "ref")
    rng = random.Random(14)

    # How long one analysis runs on this machine now: the kills are spread over that span (a
    # fixed span misses on a fast machine and only hits the start on a slow one).
    proc = reanalyse(net)
    started = time.monotonic()
    wait_for(lambda: stage(net).get("state") == "done" or proc.poll() is not None,
             what="the analysis to finish")
    span = time.monotonic() - started
    proc.wait()
    assert stage(net).get("state") == "done"

    hits = 0
    scale = 0.8
    for attempt in range(6 * KILLS):
        if hits == KILLS:
            break
        proc = reanalyse(net)
        # the first kill right at the start, the others somewhere in the analysis; a kill that
        # comes after the end narrows the span for the next try
        delay = 0.0 if attempt == 0 else rng.uniform(0.0, span * scale)
        end = time.monotonic() + delay
        while time.monotonic() < end and proc.poll() is None:
            time.sleep(0.01)
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        if stage(net).get("state") != "running":
            scale /= 2  # the analysis finished before the kill: not a kill during analysis
            continue
        hits += 1
        refused = net.gi("report", "--round", "R1", "--out", str(tmp_path / f"k{attempt}"),
                         check=False)
        assert refused.returncode != 0 and "分析中断" in refused.stderr
        assert not (tmp_path / f"k{attempt}" / "summary.json").exists()
    assert hits == KILLS, f"only {hits} kills landed during the analysis"

    resumed = net.run_round("R1")  # no flag: the unfinished analysis runs again
    assert "采集已完成，跳过" in resumed.stdout and "分析完成" in resumed.stdout
    assert stage(net)["state"] == "done"
    assert outputs(net, tmp_path / "after") == reference
