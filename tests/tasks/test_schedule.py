"""Celery beat schedules the W-V2 probes (count per day, per-site spread, the window: the
prober's plan) on a compressed clock; beat and worker killed with SIGKILL midway and restarted:
every slot recorded once, no homepage visited twice for one slot."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "collect"))

from collect_server import SiteServer  # noqa: E402
from queue_env import QueueEnv, wait_for  # noqa: E402

pytestmark = pytest.mark.slow

HOSTS = ["www.p0.gov.cn", "www.p1.gov.cn"]
DAY_S = 45  # one round day in wall seconds
PER_DAY = 24

SETUP = """
import datetime as dt, json
from govinspect.web.roster.models import Site, Unit
from govinspect.web.rounds.models import Round
rows = json.loads(ROWS)
unit = Unit.objects.create(name="测试市人民政府办公室", level="市直", region="市直")
sites = [Site.objects.create(code=r["code"], name=r["name"], homepage=r["homepage"], kind="部门",
                             unit=unit) for r in rows]
t = dt.datetime(2022, 6, 30, 17, tzinfo=dt.timezone(dt.timedelta(hours=8)))
r = Round.objects.create(name="2022Q2", reference_time=t, window_start=t - dt.timedelta(days=1),
                         window_end=t)
r.sites.set(sites)
from govinspect.web.pipeline.queue import enqueue_probes
enqueue_probes(r, json.loads(OPTIONS))
print(r.pk)
"""


@pytest.fixture
def env(tmp_path):
    e = QueueEnv(tmp_path)
    yield e
    e.close()


@pytest.fixture
def server():
    srv = SiteServer()
    srv.thread.start()
    yield srv
    srv.httpd.shutdown()
    srv.httpd.server_close()


def start_beat(env: QueueEnv, name: str) -> subprocess.Popen:
    log = open(env.tmp / f"{name}.log", "w")  # noqa: SIM115
    proc = subprocess.Popen([sys.executable, "-m", "celery", "-A", "govinspect.tasks.app",
                             "beat", "-s", str(env.workspace / "celerybeat-schedule"),
                             "-l", "INFO"], env=env.env, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)
    proc.log = log
    env.workers.append(proc)
    return proc


def test_beat_probes_on_schedule_and_a_restart_never_probes_a_slot_twice(env, server):
    for host in HOSTS:
        server.raw(host, "/", 200, "text/html; charset=utf-8",
                   "<html><body>首页</body></html>".encode())
    rows = [{"code": f"34110000{k:02d}", "name": f"测试网站{k}",
             "homepage": server.url(h, "/")} for k, h in enumerate(HOSTS)]
    options = {"time_scale": 86400 / DAY_S, "probes_per_day": PER_DAY, "allow_private": True,
               "resolve": {h: "127.0.0.1" for h in HOSTS}, "workers": 4,
               # a slot overdue by up to half a round day (22 s wall) is visited late; the
               # restart below takes longer than one slot interval on a loaded machine
               "grace_s": 12 * 3600}
    env.env["GOVINSPECT_PROBE_TICK_S"] = "0.5"
    round_id = int(env.python(SETUP.replace("ROWS", repr(json.dumps(rows)))
                              .replace("OPTIONS", repr(json.dumps(options)))).strip())
    worker = env.start_worker("w1")
    beat = start_beat(env, "beat1")

    def recorded() -> int:
        return env.query("SELECT count(*) FROM rounds_probe WHERE round_id = %s "
                         "AND outcome <> ''", round_id)[0][0]

    planned = len(HOSTS) * PER_DAY
    wait_for(lambda: recorded() >= planned // 3, "a third of the slots to be probed")
    for proc in (beat, worker):
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    env.start_worker("w2")
    start_beat(env, "beat2")
    wait_for(lambda: env.query("SELECT state FROM pipeline_stage WHERE round_id = %s AND "
                               "stage = 'probe'", round_id)[0][0] == "done",
             "the probe schedule to finish the window")

    rows_ = env.query("SELECT s.homepage, p.slot, p.outcome FROM rounds_probe p JOIN "
                      "roster_site s ON s.id = p.site_id WHERE p.round_id = %s", round_id)
    assert len(rows_) == planned  # every slot of the window recorded, each once
    assert len({(h, slot) for h, slot, _ in rows_}) == planned
    outcomes = Counter(o for _, _, o in rows_)
    assert outcomes["ok"] >= planned // 2, outcomes  # probed, not just written off
    assert set(outcomes) <= {"ok", "missed", "interrupted"}, outcomes
    for host in HOSTS:
        visited = sum(1 for h, _, o in rows_ if host in h and o == "ok")
        interrupted = sum(1 for h, _, o in rows_ if host in h and o == "interrupted")
        hits = server.requested(host, "/")
        # a visit per ok slot; an interrupted slot may have reached the server once, never more
        assert visited <= hits <= visited + interrupted, (host, hits, visited, interrupted)
    # the slots of each site follow the indicator set's spread: PER_DAY a day, per-site offset
    times = env.query("SELECT site_id, min(planned_at) FROM rounds_probe WHERE round_id = %s "
                      "GROUP BY site_id", round_id)
    assert len({t for _, t in times}) == len(HOSTS)
