"""The Celery path against real Redis and PostgreSQL: a round over a local network run by real
worker processes (queue_env.py), a worker killed with SIGKILL mid-round without a lost or
repeated capture, and per-host politeness across two workers."""

from __future__ import annotations

import json
import os
import signal
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "collect"))

from collect_server import SiteServer  # noqa: E402
from queue_env import QueueEnv, wait_for  # noqa: E402
from test_collect_resume import FAST, page  # noqa: E402

pytestmark = pytest.mark.slow


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


class InFlight:
    """Per host: requests being answered now, and the most at once."""

    def __init__(self):
        self.lock = threading.Lock()
        self.now: Counter = Counter()
        self.most: Counter = Counter()

    def __call__(self, host: str, delay: float):
        with self.lock:
            self.now[host] += 1
            self.most[host] = max(self.most[host], self.now[host])
        time.sleep(delay)
        with self.lock:
            self.now[host] -= 1


def network(srv: SiteServer, hosts: list[str], pages: int, delay: float, flight: InFlight):
    """Each host: a homepage linking a chain of pages (two links each), two dead links."""
    rows = []
    for s, host in enumerate(hosts):
        for i in range(pages):
            links = "".join(f'<a href="/p{j}.html">第{j}页</a>' for j in (2 * i + 1, 2 * i + 2)
                            if j < pages)
            links += f'<a href="/gone{i % 2}.html">死链</a>'
            body = page(f"站{s}第{i}页", links).encode()

            def answer(command: str, body: bytes = body, host: str = host):
                flight(host, delay)
                return 200, {"Content-Type": "text/html; charset=utf-8"}, body

            srv.routes[(host, "/" if i == 0 else f"/p{i}.html")] = answer
        rows.append({"code": f"34110000{s:02d}", "name": f"测试网站{s}",
                     "homepage": srv.url(host, "/"), "host": host})
    return rows


SETUP = """
import datetime as dt, json, sys
from govinspect.web.roster.models import Site, Unit
from govinspect.web.rounds.models import Round
rows = json.loads(sys.argv[1])
unit = Unit.objects.create(name="测试市人民政府办公室", level="市直", region="市直")
sites = [Site.objects.create(code=r["code"], name=r["name"], homepage=r["homepage"], kind="部门",
                             unit=unit) for r in rows]
t = dt.datetime(2022, 6, 30, 17, tzinfo=dt.timezone(dt.timedelta(hours=8)))
r = Round.objects.create(name="2022Q2", reference_time=t, window_start=t - dt.timedelta(days=7),
                         window_end=t)
r.sites.set(sites)
print(r.pk)
"""

ENQUEUE = """
import json, sys
from govinspect.web.pipeline.queue import enqueue_round
from govinspect.web.rounds.models import Round
print(enqueue_round(Round.objects.get(name="2022Q2"), allow_private=True,
                    workers=int(sys.argv[1]), options=json.loads(sys.argv[2])))
"""


def setup_round(env: QueueEnv, rows, shards: int, options: dict) -> int:
    round_id = int(env.python(SETUP.replace("sys.argv[1]", repr(json.dumps(rows)))).strip())
    env.python(ENQUEUE.replace("sys.argv[1]", repr(str(shards)))
               .replace("sys.argv[2]", repr(json.dumps(options))))
    return round_id


def finished(env: QueueEnv, round_id: int):
    stages = env.stages(round_id)
    failed = {k: v for k, v in stages.items() if v[0] == "failed"}
    assert not failed, f"{failed}\n{env.logs()}"
    return stages and all(v[0] == "done" for v in stages.values()) and stages


def options_for(rows) -> dict:
    return dict(FAST, resolve={r["host"]: "127.0.0.1" for r in rows})


def expected_pages(rows, pages: int) -> set:
    return {(r["code"], p) for r in rows
            for p in ["/", *(f"/p{i}.html" for i in range(1, pages)), "/gone0.html",
                      "/gone1.html"]}


def capture_lines(env: QueueEnv, port: int) -> Counter:
    from govinspect.collect.store import read_capture_lines

    out = env.workspace / "rounds" / "2022Q2" / "collect"
    return Counter((r["site_code"], r["url"].split(str(port), 1)[1])
                   for r in read_capture_lines(out))


def test_two_workers_run_a_round_and_politeness_holds_across_them(env, server):
    flight = InFlight()
    hosts = [f"www.s{k}.gov.cn" for k in range(4)]
    pages = 12
    rows = network(server, hosts, pages, 0.05, flight)
    env.start_worker("w1")
    env.start_worker("w2")
    round_id = setup_round(env, rows, 2, options_for(rows))
    stages = wait_for(lambda: finished(env, round_id), "the round's stages to finish")
    assert set(stages) == {("collect", "shard-00"), ("collect", "shard-01"), ("merge", "round"),
                           ("analyse", "round"), ("report", "round")}
    # the shards ran on both workers (each free worker takes the next task)
    workers = {stages[("collect", k)][2] for k in ("shard-00", "shard-01")}
    assert len(workers) == 2, stages
    # politeness across workers: never more requests at once to a host than its limit
    assert max(flight.most.values()) <= FAST["per_host_concurrency"], flight.most
    assert set(flight.most) == set(hosts)
    # every page captured once, stored in PostgreSQL, analysed and reported
    lines = capture_lines(env, server.port)
    assert set(lines) == expected_pages(rows, pages) and max(lines.values()) == 1
    stored = env.query("SELECT count(*), count(DISTINCT url) FROM rounds_capture "
                       "WHERE round_id = %s", round_id)[0]
    assert stored == (len(lines), len(lines))
    broken = env.query("SELECT count(*) FROM rounds_finding WHERE round_id = %s "
                       "AND url LIKE %s", round_id, "%gone%")[0][0]
    assert broken >= len(rows)  # the dead links were found
    report = env.workspace / "rounds" / "2022Q2" / "report"
    assert (report / "summary.json").exists()
    alert = env.query("SELECT title FROM alerts_alert WHERE key = %s",
                      f"round:{round_id}:finished")
    assert alert and "检查完成" in alert[0][0]
    status = env.python("from govinspect.web.pipeline.services import progress\n"
                        "from govinspect.web.rounds.models import Round\n"
                        "print('\\n'.join(progress(Round.objects.get(name='2022Q2'))))")
    assert "完成 5" in status and f"{rows[0]['code']}：{pages + 2} 页" in status


def test_sigkill_of_a_worker_mid_round_loses_and_repeats_no_capture(env, server):
    flight = InFlight()
    hosts = [f"www.k{k}.gov.cn" for k in range(2)]
    pages = 60
    rows = network(server, hosts, pages, 0.03, flight)
    victim = env.start_worker("victim")
    round_id = setup_round(env, rows, 2, options_for(rows))
    shards = env.workspace / "rounds" / "2022Q2" / "collect" / "shards"

    def mid_crawl():
        parts = [shards / f"{k:02d}" / "captures.jsonl.part" for k in (0, 1)]
        return sum(p.read_bytes().count(b"\n") for p in parts if p.exists()) >= 15

    wait_for(mid_crawl, "the victim to be mid-crawl", every=0.01)
    os.killpg(victim.pid, signal.SIGKILL)  # the worker and its crawler: nothing finishes
    victim.wait()
    running = {k: v for k, v in env.stages(round_id).items() if v[0] == "running"}
    assert running, "the kill did not land mid-stage"
    env.start_worker("survivor")  # the broker hands the unacknowledged task to it
    stages = wait_for(lambda: finished(env, round_id), "the round to finish after the kill")
    for key in running:
        assert stages[key][1] == 2, stages  # the killed stage ran again, once
    lines = capture_lines(env, server.port)
    assert set(lines) == expected_pages(rows, pages)  # nothing lost
    assert max(lines.values()) == 1  # nothing captured twice
    stored = env.query("SELECT count(*) FROM rounds_capture WHERE round_id = %s", round_id)
    assert stored[0][0] == len(lines)
