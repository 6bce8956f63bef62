"""kill -9 at random moments of a two-worker collect, then the same command again: the folder
ends with the captures, links and archived attachments of an uninterrupted run — none lost,
none twice (issues 14 and 16). The full version (≥ 10 kills at random moments) is
bench/bench_kill.py; this one places a few kills where they hurt most: in the first second,
while attachments are in flight, and after a random number of pages.

The seed is random per run and printed on failure; GI_KILL_SEED=N replays one."""

from __future__ import annotations

import json
import os
import random

import pytest
from killtest import (
    build_network,
    captured_lines,
    command,
    compare,
    expected_attachments,
    facts,
    finish,
    kill,
    start,
    wait_for,
)

pytestmark = pytest.mark.slow


def test_kill9_at_random_moments_loses_and_duplicates_nothing(site_server, tmp_path):
    seed = int(os.environ.get("GI_KILL_SEED") or random.SystemRandom().randrange(1 << 30))
    rng = random.Random(seed)
    net = build_network(site_server)
    finish(command(tmp_path / "ref", net))
    reference = facts(tmp_path / "ref" / "out", site_server.port)
    # The reference itself is whole: every page (and the dead ones), every attachment
    assert sum(reference["captures"].values()) == 4 * (net.pages + 3)
    assert reference["attachments"] == expected_attachments(net)

    cmd = command(tmp_path / "kill", net)
    out = tmp_path / "kill" / "out"
    placed = []
    # 1. In the first second (before or just after the journal and the workers start)
    proc = start(cmd)
    wait_for(lambda: proc.poll() is not None, bound=rng.uniform(0.05, 1.0))
    if proc.poll() is None:
        placed.append("first second")
    kill(proc)
    # 2. While attachments are in flight: the server holds them until the kill
    net.gate.clear()
    proc = start(cmd)
    assert wait_for(lambda: net.waiting >= 2 or proc.poll() is not None), seed
    if proc.poll() is None:
        placed.append(f"{net.waiting} attachments in flight")
    kill(proc, group=True)
    net.gate.set()
    # 3. After a random number of pages
    target = captured_lines(out) + rng.randint(5, 80)
    proc = start(cmd)
    assert wait_for(lambda: captured_lines(out) >= target or proc.poll() is not None), seed
    if proc.poll() is None:
        placed.append(f"after {captured_lines(out)} pages")
    kill(proc)
    finish(cmd)

    got = facts(out, site_server.port)
    diff = compare(reference, got)
    assert all(d == (0, 0) for d in diff.values()), (seed, placed, diff)
    assert len(placed) >= 2, (seed, placed)  # the kills did land in a running collect
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["resumed"] >= 1 and summary["pages_total"] == 4 * (net.pages + 3), seed
    assert sum(s["attachments"] for s in summary["sites"].values()) == \
        sum(reference["attachments"].values())
    assert not (out / "shards").exists() and not (out / "journal.jsonl").exists()
