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


def test_kill_during_analysis_is_never_final(small_network, tmp_path):
    net = small_network
    net.gi("round", "create", "R1", "--t", "2022-06-30T17:00")
    net.run_round("R1")
    reference = outputs(net, tmp_path / "ref")
    rng = random.Random(14)

    hits = 0
    for attempt in range(4 * KILLS):
        if hits == KILLS:
            break
        proc = subprocess.Popen(
            [sys.executable, "-m", "govinspect.cli", "round", "run", "R1", "--reanalyse",
             *net.resolve_args(), "--allow-private", "--workers", "1"],
            env=net.env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for(lambda p=proc: stage(net).get("pid") == p.pid or p.poll() is not None,
                 what="the analysis to start")
        # the first kill right at the start, the others somewhere in the analysis
        delay = 0.0 if attempt == 0 else rng.uniform(0.0, 1.5)
        end = time.monotonic() + delay
        while time.monotonic() < end and proc.poll() is None:
            time.sleep(0.01)
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        if stage(net).get("state") != "running":
            continue  # the analysis finished before the kill: not a kill during analysis
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
