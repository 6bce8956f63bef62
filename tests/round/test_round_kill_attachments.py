"""kill -9 of `round run` while attachments are in flight, then `round run` again: the round
ends with the captures, links and archived attachments of an uninterrupted round, and the
same findings (issue 14 item 4: "resume keeps every attachment"; once 50 of 92 attachments
survived a resume and a leak inside an attachment was lost).

Two workspaces on one network (tests/collect/killtest.py: four sites whose attachments the
server holds until told): one round runs uninterrupted, the other is killed (the whole
process group, as a terminal's kill) once at least two attachments are being served, then
run again."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys

import pytest
from collect_server import SiteServer
from killtest import HOSTS, build_network, compare, expected_attachments, facts, wait_for
from network import SmallNetwork

pytestmark = pytest.mark.slow


def _roster(net, path) -> None:
    rows = ["网站标识码,网站名称,首页网址,网站类型,主办单位,所属地区,其他域名"]
    for s in net.sites:
        rows.append(f"{s.code},{s.name}网站,{s.homepage},部门,{s.name}局,市直,")
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")


def _workspace(server, tmp_path, name, roster) -> SmallNetwork:
    ws = SmallNetwork(server, tmp_path / name, 0)
    ws.workspace.mkdir()
    ws.gi("roster", "import", str(roster))
    ws.gi("round", "create", "R1", "--t", "2022-06-30T17:00")
    return ws


def _run_args(ws) -> list[str]:
    args = [sys.executable, "-m", "govinspect.cli", "round", "run", "R1", "--allow-private",
            "--workers", "2"]
    for host in [*HOSTS, "www.gov.cn"]:
        args += ["--resolve", f"{host}=127.0.0.1"]
    return args


def _db_captures(ws) -> int:
    with sqlite3.connect(ws.workspace / "govinspect.sqlite3") as db:
        return db.execute("select count(*) from rounds_capture").fetchone()[0]


def _findings(ws, out) -> set[tuple]:
    ws.gi("report", "--round", "R1", "--out", str(out), "--no-notice")
    port = str(ws.server.port)
    return {(f["rule"], f["site"], f["url"].split(port)[-1], f["item"])
            for f in json.loads((out / "findings.json").read_text(encoding="utf-8"))}


def test_kill_while_attachments_in_flight_then_resume(tmp_path):
    server = SiteServer()
    net = build_network(server, pages=20)
    server.thread.start()
    try:
        roster = tmp_path / "roster.csv"
        _roster(net, roster)
        ref = _workspace(server, tmp_path, "ref", roster)
        done = subprocess.run(_run_args(ref), env=ref.env(), capture_output=True, text=True,
                              timeout=900)
        assert done.returncode == 0, done.stderr[-3000:]
        ref_collect = ref.workspace / "rounds" / "R1" / "collect"
        reference = facts(ref_collect, server.port)
        assert reference["attachments"] == expected_attachments(net)

        killed = _workspace(server, tmp_path, "killed", roster)
        net.gate.clear()  # attachments wait until the kill
        proc = subprocess.Popen(_run_args(killed), env=killed.env(),
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                start_new_session=True)
        assert wait_for(lambda: net.waiting >= 2 or proc.poll() is not None, bound=300)
        in_flight = net.waiting
        assert proc.poll() is None and in_flight >= 2, proc.stderr.read().decode()[-2000:]
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        net.gate.set()

        again = subprocess.run(_run_args(killed), env=killed.env(), capture_output=True,
                               text=True, timeout=900)
        assert again.returncode == 0, again.stderr[-3000:]
        assert "续采" in again.stdout, again.stdout  # it resumed the interrupted crawl
        got = facts(killed.workspace / "rounds" / "R1" / "collect", server.port)
        diff = compare(reference, got)
        assert all(d == (0, 0) for d in diff.values()), (in_flight, diff)
        assert _db_captures(killed) == _db_captures(ref)
        assert _findings(killed, tmp_path / "k-out") == _findings(ref, tmp_path / "r-out")
    finally:
        net.gate.set()
        server.httpd.shutdown()
        server.httpd.server_close()
