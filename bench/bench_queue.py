"""Task-queue scaling: one round over a province-size loopback network, collected and analysed
by 1, 2 and 3 Celery workers (real Redis broker, real PostgreSQL, real worker processes):

    GOVINSPECT_TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/test \\
        uv run --frozen python bench/bench_queue.py [SITES] [WORKERS...]

Defaults: 150 sites, workers 1 2 3. Size mix (like a province roster: many small department
sites, some county portals, a few big portals): 70 % 15 pages, 25 % 45 pages, 5 % 150 pages,
each page ~40 links (in-site pages, images, attachments, outbound). Every run: a fresh database,
the same 6 shards, the same network. Figures: wall time from enqueue to the report stage done,
the collect phase (first shard start → last shard end) and its pages/s, the speed-up over one
worker, CPU seconds of all workers (worker + crawler processes), and peak RSS per worker (its
process tree, sampled every 0.2 s). Skips (exit 0) without PostgreSQL or Redis.
"""

from __future__ import annotations

import json
import os
import random
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "collect"))
sys.path.insert(0, str(ROOT / "tests" / "tasks"))

from collect_server import SiteServer  # noqa: E402
from queue_env import QueueEnv, wait_for  # noqa: E402

SHARDS = 6
TICK = os.sysconf("SC_CLK_TCK")


def build(srv: SiteServer, n_sites: int) -> list[dict]:
    rnd = random.Random(20220630)
    filler = "<p>" + "石市人民政府办公室关于做好2024年政务公开工作的通知。" * 30 + "</p>"
    rows = []
    for s in range(n_sites):
        host = f"s{s:03d}.sheng.gov.cn"
        x = rnd.random()
        n = 150 if x < 0.05 else 45 if x < 0.30 else 15
        for p in range(n):
            links = "".join(f'<li><a href="/p{(p * 7 + k) % n}.html">第{k}条新闻标题</a></li>'
                            for k in range(1, 26))
            links += "".join(f'<img src="/img/{k}.png" alt="图{k}">' for k in range(5))
            links += f'<a href="/files/{p % 10}.pdf">附件</a>'
            links += f'<a href="http://www.gov.cn:{srv.port}/">中国政府网</a>'
            srv.html(host, "/" if p == 0 else f"/p{p}.html",
                     f"<html><head><title>{host} 第{p}页</title></head>"
                     f"<body><ul>{links}</ul>{filler}</body></html>")
        for k in range(5):
            srv.raw(host, f"/img/{k}.png", 200, "image/png", b"\x89PNG" + b"0" * 2000)
        for k in range(10):
            srv.raw(host, f"/files/{k}.pdf", 200, "application/pdf", b"%PDF" + b"0" * 20000)
        rows.append({"code": f"37{s:08d}", "name": f"测试网站{s}", "homepage": srv.url(host, "/"),
                     "host": host})
    srv.html("www.gov.cn", "/", "<html><title>中国政府网</title></html>")
    return rows


def tree(pid: int) -> list[int]:
    """``pid`` and every process in its session (the worker and its crawlers)."""
    out = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if os.getsid(int(entry)) == pid:
                    out.append(int(entry))
            except OSError:
                continue
    return out


def rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def cpu_s(pid: int) -> float:
    """utime + stime of ``pid`` and of its waited-for children (the crawler processes)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(fields[i]) for i in (11, 12, 13, 14)) / TICK


SETUP = """
import datetime as dt, json
from govinspect.web.roster.models import Site, Unit
from govinspect.web.rounds.models import Round
rows = json.loads(open(ROWS).read())
unit = Unit.objects.create(name="测试省人民政府办公厅", level="市直", region="市直")
Site.objects.bulk_create([Site(code=r["code"], name=r["name"], homepage=r["homepage"],
                               kind="部门", unit=unit) for r in rows])
t = dt.datetime(2022, 6, 30, 17, tzinfo=dt.timezone(dt.timedelta(hours=8)))
r = Round.objects.create(name="bench", reference_time=t, window_start=t - dt.timedelta(days=7),
                         window_end=t)
r.sites.set(Site.objects.all())
from govinspect.web.pipeline.queue import enqueue_round
enqueue_round(r, allow_private=True, workers=SHARDS, options=json.loads(OPTIONS))
print(r.pk)
"""


def one_run(rows: list[dict], workers: int, tmp: Path) -> dict:
    env = QueueEnv(tmp)
    try:
        (tmp / "rows.json").write_text(json.dumps(rows), encoding="utf-8")
        options = {"resolve": {r["host"]: "127.0.0.1" for r in rows} | {"www.gov.cn": "127.0.0.1"},
                   "download_delay": 0.0, "autothrottle": False, "obey_robots": False,
                   "retry_times": 0, "probe_transport": False}
        procs = [env.start_worker(f"w{k}") for k in range(workers)]
        peaks = {p.pid: 0 for p in procs}
        stop = threading.Event()

        def sample():
            while not stop.wait(0.2):
                for p in procs:
                    peaks[p.pid] = max(peaks[p.pid], sum(rss_kb(q) for q in tree(p.pid)))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        cpu0 = sum(cpu_s(p.pid) for p in procs)
        t0 = time.monotonic()
        round_id = int(env.python(SETUP.replace("ROWS", repr(str(tmp / "rows.json")))
                                  .replace("SHARDS", str(SHARDS))
                                  .replace("OPTIONS", repr(json.dumps(options)))).strip())

        def done():
            stages = env.stages(round_id)
            failed = [k for k, v in stages.items() if v[0] == "failed"]
            assert not failed, (failed, env.logs())
            return stages and all(v[0] == "done" for v in stages.values())

        wait_for(done, "the round", bound=3600, every=0.5)
        wall = time.monotonic() - t0
        stop.set()
        sampler.join()
        cpu = sum(cpu_s(p.pid) for p in procs) - cpu0
        times = env.query(
            "SELECT stage, min(started_at), max(finished_at), "
            "extract(epoch from max(finished_at) - min(started_at)) FROM pipeline_stage "
            "WHERE round_id = %s GROUP BY stage", round_id)
        phase = {stage: float(secs) for stage, _, _, secs in times}
        pages = env.query("SELECT count(*) FROM rounds_capture WHERE round_id = %s",
                          round_id)[0][0]
        findings = env.query("SELECT count(*) FROM rounds_finding WHERE round_id = %s",
                             round_id)[0][0]
        return {"workers": workers, "wall_s": wall, "collect_s": phase["collect"],
                "analyse_s": phase["analyse"], "merge_s": phase["merge"],
                "report_s": phase["report"], "pages": pages, "findings": findings,
                "cpu_s": cpu, "peak_rss_mb": [round(v / 1024) for v in peaks.values()]}
    finally:
        env.close()


def main(argv: list[str]) -> int:
    import pytest

    n_sites = int(argv[0]) if argv else 150
    counts = [int(a) for a in argv[1:]] or [1, 2, 3]
    srv = SiteServer()
    srv.thread.start()
    rows = build(srv, n_sites)
    results = []
    try:
        for workers in counts:
            with tempfile.TemporaryDirectory(prefix="gi-bench-queue-") as tmp:
                results.append(one_run(rows, workers, Path(tmp)))
                print(json.dumps(results[-1]), flush=True)
    except pytest.skip.Exception as exc:
        print(f"skipped: {exc}")
        return 0
    base = results[0]
    print(f"\n{n_sites} sites, {base['pages']} pages, {SHARDS} shards, cores={os.cpu_count()}")
    print("| workers | wall s | collect s | collect pages/s | speed-up (collect) | "
          "speed-up (wall) | analyse s | CPU s | peak RSS per worker MB |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in results:
        print(f"| {r['workers']} | {r['wall_s']:.1f} | {r['collect_s']:.1f} | "
              f"{r['pages'] / r['collect_s']:.0f} | {base['collect_s'] / r['collect_s']:.2f} | "
              f"{base['wall_s'] / r['wall_s']:.2f} | {r['analyse_s']:.1f} | {r['cpu_s']:.0f} | "
              f"{', '.join(map(str, r['peak_rss_mb']))} |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
