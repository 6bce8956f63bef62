"""A real task-queue environment for the tests: a fresh PostgreSQL database (from
GOVINSPECT_TEST_POSTGRES_URL), an empty Redis database as broker, a workspace folder, and Celery
worker processes started as subprocesses. Skips with a reason when a service is unreachable."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

PG_URL = os.environ.get("GOVINSPECT_TEST_POSTGRES_URL")
REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379
BOUND_S = 600  # generous bound for any wait on another process (a loaded 2-core box)


def wait_for(condition, what: str, bound: float = BOUND_S, every: float = 0.2):
    deadline = time.monotonic() + bound
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {bound:.0f} s waiting for {what}")
        time.sleep(every)


def redis_client(db: int = 0):
    import redis

    return redis.Redis(host=REDIS_HOST, port=REDIS_PORT, db=db, socket_connect_timeout=3)


class QueueEnv:
    def __init__(self, tmp: Path):
        if not PG_URL:
            pytest.skip("set GOVINSPECT_TEST_POSTGRES_URL (e.g. postgres://postgres@127.0.0.1:"
                        "5432/test) to run the task-queue tests on PostgreSQL")
        try:
            redis_client().ping()
        except Exception as exc:  # noqa: BLE001  (any failure: the service is not there)
            pytest.skip(f"Redis not reachable at {REDIS_HOST}:{REDIS_PORT}: {exc}")
        import psycopg

        try:
            self.admin = psycopg.connect(PG_URL, autocommit=True, connect_timeout=5)
        except psycopg.OperationalError as exc:
            pytest.skip(f"PostgreSQL not reachable at {PG_URL}: {exc}")
        self.dbname = f"gi_queue_{uuid.uuid4().hex[:10]}"
        self.admin.execute(f'CREATE DATABASE "{self.dbname}"')
        parts = urlsplit(PG_URL)
        self.db_url = urlunsplit(parts._replace(path=f"/{self.dbname}"))
        # an empty Redis database of its own (other test runs may use the others)
        for db in range(15, 0, -1):
            client = redis_client(db)
            if client.dbsize() == 0 and client.setnx("govinspect-test-owner", self.dbname) \
                    and client.dbsize() == 1:
                self.redis_db, self.redis = db, client
                break
        else:
            pytest.skip("no empty Redis database (1–15) for the broker")
        self.workspace = tmp / "workspace"
        self.workspace.mkdir()
        self.env = dict(os.environ, GOVINSPECT_DATABASE_URL=self.db_url,
                        GOVINSPECT_WORKSPACE=str(self.workspace),
                        GOVINSPECT_BROKER_URL=f"redis://{REDIS_HOST}:{REDIS_PORT}/{self.redis_db}",
                        GOVINSPECT_SECRET_KEY="test-only-not-secret",
                        GOVINSPECT_BROKER_VISIBILITY_S="15")
        self.env.pop("DJANGO_SETTINGS_MODULE", None)
        self.workers: list[subprocess.Popen] = []
        self.tmp = tmp
        self.python("from django.core.management import call_command; "
                    "call_command('migrate', verbosity=0)")

    def python(self, code: str, timeout: float = BOUND_S) -> str:
        """Run ``code`` with Django set up on this environment's database; its stdout."""
        script = "from govinspect.web.setup import django_setup\ndjango_setup()\n" + code
        done = subprocess.run([sys.executable, "-c", script], env=self.env, capture_output=True,
                              text=True, timeout=timeout)
        assert done.returncode == 0, done.stderr[-4000:]
        return done.stdout

    def query(self, sql: str, *args) -> list[tuple]:
        import psycopg

        with psycopg.connect(self.db_url, autocommit=True) as conn:
            return conn.execute(sql, args).fetchall()

    def start_worker(self, name: str, env: dict | None = None) -> subprocess.Popen:
        log = open(self.tmp / f"{name}.log", "w")  # noqa: SIM115  (closed with the process)
        proc = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "govinspect.tasks.app", "worker",
             "-Q", "govinspect", "-P", "solo", "-n", f"{name}@%h", "--without-gossip",
             "--without-mingle", "-l", "INFO"],
            env=dict(self.env, **(env or {})), stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True)
        proc.log = log
        self.workers.append(proc)
        wait_for(lambda: "ready." in (self.tmp / f"{name}.log").read_text(errors="replace")
                 or proc.poll() is not None, f"worker {name} to start")
        assert proc.poll() is None, (self.tmp / f"{name}.log").read_text()
        return proc

    def stages(self, round_id: int) -> dict[tuple[str, str], tuple]:
        rows = self.query("SELECT stage, key, state, attempts, worker, error FROM pipeline_stage "
                          "WHERE round_id = %s", round_id)
        return {(r[0], r[1]): r[2:] for r in rows}

    def logs(self) -> str:
        return "\n".join(f"== {p.name}\n{p.read_text(errors='replace')[-3000:]}"
                         for p in sorted(self.tmp.glob("*.log")))

    def close(self) -> None:
        for proc in self.workers:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in self.workers:
            try:
                proc.wait(60)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
            proc.log.close()
        self.redis.flushdb()
        self.admin.execute(f'DROP DATABASE IF EXISTS "{self.dbname}" WITH (FORCE)')
        self.admin.close()


def json_arg(value) -> str:
    return json.dumps(value, ensure_ascii=False)
