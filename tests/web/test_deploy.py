"""Deployable settings: the workspace's own secret key, `check --deploy` clean with the
production settings, and the production recipe (migrate, collectstatic, gunicorn behind a
proxy's X-Forwarded-Proto, PostgreSQL) started for real."""

from __future__ import annotations

import os
import re
import stat
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from io import StringIO
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.core.management import call_command

from govinspect.web.secret import KEY_FILE, workspace_secret_key

PG_URL = os.environ.get("GOVINSPECT_TEST_POSTGRES_URL")
PROD = "govinspect.web.settings_production"


def _env(tmp_path, **extra) -> dict:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("GOVINSPECT_", "DJANGO_SETTINGS"))}
    env.update(GOVINSPECT_WORKSPACE=str(tmp_path), DJANGO_SETTINGS_MODULE=PROD,
               GOVINSPECT_ALLOWED_HOSTS="wzjc.example.gov.cn,127.0.0.1",
               GOVINSPECT_DATABASE_URL="postgres://govinspect@127.0.0.1:5432/govinspect")
    env.update(extra)
    return env


def test_secret_key_is_generated_once_per_workspace_with_mode_0600(tmp_path):
    key = workspace_secret_key(tmp_path)
    path = tmp_path / KEY_FILE
    assert len(key) >= 50 and len(set(key)) >= 5
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert workspace_secret_key(tmp_path) == key  # the same key on every start
    assert workspace_secret_key(tmp_path / "other") != key  # each workspace its own
    assert not list(tmp_path.glob(f".{KEY_FILE}.*"))  # no temporary file left behind


def test_settings_have_no_built_in_key_and_write_nothing_on_import(tmp_path):
    script = ("import govinspect.web.settings as s, os; "
              "print(os.listdir(os.environ['GOVINSPECT_WORKSPACE'])); "
              "from django.conf import settings; settings.configure(s); "
              "print(str(settings.SECRET_KEY) == open(os.environ['GOVINSPECT_WORKSPACE'] + "
              "'/secret_key').read().strip())")
    env = _env(tmp_path, DJANGO_SETTINGS_MODULE="govinspect.web.settings")
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True,
                         text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["[]", "True"]
    source = (__import__("govinspect.web.settings", fromlist=["x"]).__file__)
    assert "local-development-key" not in open(source, encoding="utf-8").read()


def test_check_deploy_passes_with_the_production_settings(tmp_path):
    out = subprocess.run([sys.executable, "-m", "django", "check", "--deploy",
                          "--fail-level", "WARNING"], env=_env(tmp_path), capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "no issues" in out.stdout
    # and the same check fails for the local settings (the test can fail)
    local = subprocess.run([sys.executable, "-m", "django", "check", "--deploy",
                            "--fail-level", "WARNING"],
                           env=_env(tmp_path, DJANGO_SETTINGS_MODULE="govinspect.web.settings"),
                           capture_output=True, text=True, timeout=120)
    assert local.returncode != 0 and "security.W004" in local.stdout + local.stderr


@pytest.mark.parametrize("missing, wanted", [
    ({"GOVINSPECT_DATABASE_URL": ""}, "GOVINSPECT_DATABASE_URL"),
    ({"GOVINSPECT_DATABASE_URL": "sqlite:////tmp/x.sqlite3"}, "PostgreSQL"),
    ({"GOVINSPECT_ALLOWED_HOSTS": ""}, "GOVINSPECT_ALLOWED_HOSTS"),
])
def test_production_settings_refuse_an_incomplete_environment(tmp_path, missing, wanted):
    out = subprocess.run([sys.executable, "-m", "django", "check"],
                         env=_env(tmp_path, **missing), capture_output=True, text=True,
                         timeout=60)
    assert out.returncode != 0 and wanted in out.stderr


@pytest.mark.django_db
def test_workspace_models_have_their_migrations():
    out = StringIO()
    call_command("makemigrations", "accounts", "decisions", "rectify", check=True,
                 dry_run=True, stdout=out)
    assert "No changes detected" in out.getvalue()


def _with_database(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path="/" + name))


def _get(url: str, headers: dict | None = None, timeout: float = 60) -> tuple[int, dict, str]:
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.build_opener(NoRedirect).open(request, timeout=timeout) as resp:
            return resp.status, dict(resp.headers), resp.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), ""


APPEND_ONLY = r"""
import datetime as dt, django
django.setup()
from django.contrib.auth import get_user_model
from django.db import DatabaseError, connection, transaction
from govinspect.web.rectify.models import AuditEntry, Item
from govinspect.web.roster.models import Site, Unit
from govinspect.web.rounds.models import Round
u = Unit.objects.create(name="甲局", level="市直", region="市直")
s = Site.objects.create(code="3400000001", name="甲局网站", homepage="http://a.gov.cn/", kind="部门", unit=u)
t = dt.datetime(2022, 6, 30, tzinfo=dt.UTC)
r = Round.objects.create(name="R", reference_time=t, window_start=t, window_end=t)
i = Item.objects.create(round=r, unit=u, site=s, group_id="g", rule_id="GI-L001", indicator_id="W-D22",
                        title="t", message="m", deadline=t.date())
e = AuditEntry.objects.create(item=i, actor_name="x", to_state="待整改", reason="r")
for sql in ("UPDATE rectify_auditentry SET reason='y'", "DELETE FROM rectify_auditentry"):
    try:
        with transaction.atomic(), connection.cursor() as c:
            c.execute(sql)
        print("allowed", sql.split()[0])
    except DatabaseError:
        print("refused", sql.split()[0])
"""


@pytest.mark.postgres
@pytest.mark.slow
@pytest.mark.skipif(not PG_URL, reason="set GOVINSPECT_TEST_POSTGRES_URL "
                    "(e.g. postgres://postgres@127.0.0.1:5432/test) to start the production recipe")
def test_production_recipe_starts_gunicorn_on_postgresql(tmp_path):
    import psycopg

    name = f"govinspect_deploy_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    env = _env(tmp_path, GOVINSPECT_DATABASE_URL=_with_database(PG_URL, name))
    django_admin = [sys.executable, "-m", "django"]
    proc = None
    try:
        for step in (["migrate", "--noinput"], ["collectstatic", "--noinput"]):
            done = subprocess.run(django_admin + step, env=env, capture_output=True, text=True,
                                  timeout=300)
            assert done.returncode == 0, done.stdout + done.stderr
        check = subprocess.run([sys.executable, "-c", APPEND_ONLY], env=env,
                               capture_output=True, text=True, timeout=120)
        assert check.stdout.split("\n")[:2] == ["refused UPDATE", "refused DELETE"], \
            check.stdout + check.stderr
        proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--bind", "127.0.0.1:0", "--workers", "2",
             "--no-control-socket", "govinspect.web.wsgi:application"],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        lines: list[str] = []
        reader = threading.Thread(target=lambda: lines.extend(iter(proc.stdout.readline, "")),
                                  daemon=True)  # drain the log so the server never blocks
        reader.start()
        port = None
        deadline = time.monotonic() + 180
        while port is None and time.monotonic() < deadline and proc.poll() is None:
            found = re.search(r"Listening at: http://127\.0\.0\.1:(\d+)", "".join(lines))
            port = int(found.group(1)) if found else time.sleep(0.2)
        assert port, "gunicorn did not start:\n" + "".join(lines)
        base = f"http://127.0.0.1:{port}"
        while time.monotonic() < deadline:  # workers import Django after the bind
            try:
                _get(base + "/login/", {"Host": "wzjc.example.gov.cn"}, timeout=5)
                break
            except OSError:
                time.sleep(0.5)
        proxied = {"X-Forwarded-Proto": "https", "Host": "wzjc.example.gov.cn"}
        status, headers, body = _get(base + "/login/", proxied)
        assert status == 200 and "登录检查工作台" in body, (status, body[:500])
        assert "max-age=31536000" in headers.get("Strict-Transport-Security", "")
        assert "Secure" in headers.get("Set-Cookie", "")
        assert "default-src 'self'" in headers.get("Content-Security-Policy", "")
        status, _, css = _get(base + "/static/workspace/workspace.css", proxied)
        assert status == 200 and "govinspect workspace" in css  # WhiteNoise, collected
        status, headers, _ = _get(base + "/login/", {"Host": "wzjc.example.gov.cn"})
        assert status == 301 and headers["Location"].startswith("https://")  # plain HTTP
        assert _get(base + "/login/", {"Host": "evil.example"})[0] == 400  # ALLOWED_HOSTS
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=30)
        with psycopg.connect(PG_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
