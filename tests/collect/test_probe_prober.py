"""The prober against local sites on a compressed schedule: the flaky site crosses the W-V2
line and the healthy one does not; restarts neither lose nor repeat probes."""

from __future__ import annotations

import datetime as dt
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from probe_test_server import ProbeServer, flaky

from govinspect.core.probes import ProbeOutcome
from govinspect.core.types import Confidence
from govinspect.web.roster.models import Site, Unit
from govinspect.web.rounds.models import Finding, Probe, Round
from govinspect.web.rounds.probes import ProbeError, ProbeOptions, round_clock, run_prober

UTC = dt.UTC
T = dt.datetime(2022, 6, 30, 17, 0, tzinfo=UTC)
HEALTHY, FLAKY = "www.healthy.gov.cn", "www.flaky.gov.cn"
MAP = {HEALTHY: "127.0.0.2", FLAKY: "127.0.0.3"}
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def server():
    s = ProbeServer(hang_s=1.0)
    s.behaviours[FLAKY] = flaky
    yield s
    s.close()


def make_round(port: int, name: str = "2022Q2") -> Round:
    unit = Unit.objects.create(name="某某市人民政府办公室", level="市直", region="市直")
    sites = [Site.objects.create(code=code, name=host, homepage=f"http://{host}:{port}/",
                                 kind="部门", unit=unit)
             for code, host in (("3411000001", HEALTHY), ("3411000002", FLAKY))]
    r = Round.objects.create(name=name, reference_time=T, window_start=T - dt.timedelta(days=7),
                             window_end=T)
    r.sites.set(sites)
    return r


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_flaky_site_crosses_5_percent_and_a_healthy_one_does_not(server):
    r = make_round(server.port)
    # One round day = 2.4 s: the week in about 17 s, 24 probes a day per site.
    options = ProbeOptions(time_scale=86400 / 2.4, timeout_s=0.25, resolve=MAP,
                           allow_private=True)
    summary = run_prober(r, options, until_done=True)  # ends with the window (no time bound)
    assert summary.done and summary.planned == 2 * 7 * 24 and not summary.errors

    for host in (HEALTHY, FLAKY):
        rows = list(Probe.objects.filter(round=r, site__name=host))
        assert sorted(p.slot for p in rows) == list(range(7 * 24))  # every slot exactly once
        visited = [p for p in rows if ProbeOutcome(p.outcome).counted]
        assert len(visited) >= 140  # complete monitoring despite any slot missed under load
        assert server.counts[host] == len(visited)  # one request per visit, none repeated
    outcomes = Counter(p.outcome for p in Probe.objects.filter(round=r, site__name=FLAKY))
    assert outcomes["http_error"] >= 5 and outcomes["timeout"] >= 5

    findings = {f.site.name: f for f in Finding.objects.filter(round=r, rule_id="GI-A001")}
    assert set(findings) == {FLAKY}
    veto = findings[FLAKY]
    assert veto.indicator_id == "W-V2" and veto.confidence == Confidence.CERTAIN.value
    assert veto.url == f"http://{FLAKY}:{server.port}/"
    failed = outcomes["http_error"] + outcomes["timeout"]
    assert veto.details["failures"] == failed
    assert 0.05 <= failed / veto.details["visits"] <= 0.15
    first = veto.details["first_failures"][0]
    assert first["outcome"] in ("http_error", "timeout") and first["probed_at"]

    # Probing again after the window is over changes nothing and repeats nothing.
    again = run_prober(r, options, until_done=True)
    assert sum(again.outcomes.values()) == 0 and again.done
    assert Finding.objects.filter(round=r, rule_id="GI-A001").count() == 1


@pytest.mark.django_db(transaction=True)
def test_claimed_rows_of_a_dead_prober_become_interrupted_and_are_not_visited_again(server):
    r = make_round(server.port)
    site = r.sites.get(name=HEALTHY)
    scale = 7 * 86400 / 1.5  # the week in 1.5 s
    clock = round_clock(r, scale, create=True)  # as a first start does
    Probe.objects.create(round=r, site=site, slot=3, planned_at=r.window_start,
                         started_at=clock.anchor, outcome="")  # claimed, never completed
    options = ProbeOptions(time_scale=scale, timeout_s=0.25, resolve=MAP, allow_private=True)
    summary = run_prober(r, options, until_done=True)
    assert summary.interrupted == 1 and summary.done
    assert Probe.objects.get(round=r, site=site, slot=3).outcome == "interrupted"
    visits = [p for p in Probe.objects.filter(round=r, site=site)
              if ProbeOutcome(p.outcome).counted]
    assert 3 not in {p.slot for p in visits}
    assert server.counts[HEALTHY] == len(visits)  # slot 3 was not visited again


@pytest.mark.django_db(transaction=True)
def test_the_prober_refuses_a_past_window_and_a_changed_time_scale(server):
    r = make_round(server.port)
    with pytest.raises(ProbeError, match="监测期已于"):
        run_prober(r, ProbeOptions(time_scale=1.0, resolve=MAP, allow_private=True))
    assert not Probe.objects.filter(round=r).exists()
    run_prober(r, ProbeOptions(time_scale=86400.0, timeout_s=0.25, resolve=MAP,
                               allow_private=True))
    with pytest.raises(ProbeError, match="时间压缩倍数"):
        run_prober(r, ProbeOptions(time_scale=1000.0, resolve=MAP, allow_private=True))


SETUP = """
import datetime as dt, sys
from govinspect.web.setup import django_setup
django_setup()
from govinspect.web.roster.models import Site, Unit
from govinspect.web.rounds.models import Round
port = int(sys.argv[1])
t = dt.datetime(2022, 6, 30, 17, 0, tzinfo=dt.UTC)
unit = Unit.objects.create(name="某某市人民政府办公室", level="市直", region="市直")
sites = [Site.objects.create(code=c, name=h, homepage=f"http://{h}:{port}/", kind="部门", unit=unit)
         for c, h in (("3411000001", "www.healthy.gov.cn"), ("3411000002", "www.flaky.gov.cn"))]
r = Round.objects.create(name="R1", reference_time=t, window_start=t - dt.timedelta(days=7),
                         window_end=t)
r.sites.set(sites)
"""


def _rows(db: Path) -> list[tuple]:
    with sqlite3.connect(db, timeout=30) as con:
        return con.execute("SELECT site_id, slot, outcome, started_at FROM rounds_probe").fetchall()


def _wait_rows(db: Path, n: int, limit: float = 20) -> None:
    end = time.monotonic() + limit
    while time.monotonic() < end:
        try:
            if len(_rows(db)) >= n:
                return
        except sqlite3.OperationalError:
            pass  # the table does not exist yet
        time.sleep(0.05)
    raise AssertionError(f"the prober recorded fewer than {n} probes")


@pytest.mark.slow
def test_kill_9_and_sigterm_midway_neither_lose_nor_repeat_probes(server, tmp_path):
    env = {**os.environ, "GOVINSPECT_WORKSPACE": str(tmp_path),
           "GOVINSPECT_PROBE_TIME_SCALE": str(7 * 86400 / 6)}  # the week in 6 s, via the setting
    env.pop("GOVINSPECT_DATABASE_URL", None)
    subprocess.run([sys.executable, "-c", SETUP, str(server.port)], env=env, check=True,
                   cwd=REPO)
    db = tmp_path / "govinspect.sqlite3"
    cmd = [sys.executable, "-m", "govinspect.cli", "probe", "--round", "R1", "--until-done",
           "--timeout", "0.25", "--allow-private", "--quiet",
           *(f"--resolve={h}={ip}" for h, ip in MAP.items())]

    first = subprocess.Popen(cmd, env=env, cwd=REPO, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT)
    _wait_rows(db, 60)
    first.send_signal(signal.SIGKILL)  # a real kill -9: no cleanup at all
    first.wait(120)
    after_kill = len(_rows(db))
    assert 60 <= after_kill < 2 * 168

    second = subprocess.Popen(cmd, env=env, cwd=REPO, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True)
    _wait_rows(db, after_kill + 40)
    second.send_signal(signal.SIGTERM)  # a clean stop: visits in progress are completed
    out, _ = second.communicate(timeout=120)
    assert second.returncode == 0, out
    assert "已停止" in out
    assert all(outcome for _, _, outcome, _ in _rows(db))  # nothing left claimed

    third = subprocess.run(cmd, env=env, cwd=REPO, capture_output=True, text=True, timeout=300)
    assert third.returncode == 0, third.stdout + third.stderr
    assert "监测期已结束" in third.stdout

    rows = _rows(db)
    per_slot = Counter((site, slot) for site, slot, _, _ in rows)
    assert set(per_slot.values()) == {1}  # no slot recorded twice
    for site in {s for s, _ in per_slot}:
        assert sorted(slot for s, slot in per_slot if s == site) == list(range(168))  # none lost
    outcomes = Counter(outcome for _, _, outcome, _ in rows)
    assert outcomes["missed"] > 0  # slots planned while the prober was down
    assert outcomes["interrupted"] <= 2  # at most the visit in progress per site at the kill
    with sqlite3.connect(db) as con:
        ids = dict(con.execute("SELECT name, id FROM roster_site").fetchall())
    for host in (HEALTHY, FLAKY):
        mine = [r for r in rows if r[0] == ids[host]]
        visits = sum(1 for r in mine if ProbeOutcome(r[2]).counted)
        claimed = sum(1 for r in mine if r[3] is not None)  # visited or interrupted
        assert visits <= server.counts[host] <= claimed  # each slot requested at most once
