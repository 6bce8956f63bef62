"""Migrations match the models, and apply and reverse on PostgreSQL as well as SQLite."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from io import StringIO
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.core.management import call_command

PG_URL = os.environ.get("GOVINSPECT_TEST_POSTGRES_URL")


@pytest.mark.django_db
def test_models_have_no_missing_migrations():
    out = StringIO()
    call_command("makemigrations", "roster", "rounds", check=True, dry_run=True, stdout=out)
    assert "No changes detected" in out.getvalue()


# Runs in a fresh interpreter so that Django is configured for PostgreSQL from the start.
SCRIPT = r"""
import datetime as dt
from django.core.management import call_command
from govinspect.web.setup import django_setup
django_setup()
from django.db import connection
from govinspect.core.types import Evidence, Finding, Span
from govinspect.web.roster.models import Site, Unit
from govinspect.web.rounds.models import Round
from govinspect.web.rounds.persist import save_findings
assert connection.vendor == "postgresql", connection.vendor
unit = Unit.objects.create(name="滁州市人民政府办公室", level="市直", region="市直")
site = Site.objects.create(code="3411000001", name="滁州市人民政府",
                           homepage="https://www.chuzhou.gov.cn/", kind="门户", unit=unit,
                           extra_hosts=["chuzhou.gov.cn"])
t = dt.datetime(2022, 6, 23, tzinfo=dt.UTC)
r = Round.objects.create(name="2022Q2", reference_time=t, window_start=t - dt.timedelta(days=90), window_end=t)
r.sites.add(site)
f = Finding(rule_id="links.broken", indicator_id="W-D22", subject=site.code, message="链接不可用",
            evidence=Evidence(url="https://www.chuzhou.gov.cn/a", context="错别字", span=Span(0, 3)),
            details={"status": 404})
print("saved", save_findings(r, site, [f, f]).created)
print("roundtrip", r.findings.get().to_core() == f, Site.objects.get().extra_hosts)
call_command("migrate", "rounds", "zero", verbosity=0)
call_command("migrate", "roster", "zero", verbosity=0)
print("tables", sorted(t for t in connection.introspection.table_names()
                       if t.startswith(("roster_", "rounds_"))))
"""


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + name))


@pytest.mark.postgres
@pytest.mark.skipif(not PG_URL, reason="set GOVINSPECT_TEST_POSTGRES_URL "
                    "(e.g. postgres://postgres@127.0.0.1:5432/test) to run the PostgreSQL test")
def test_migrations_apply_use_and_reverse_on_postgresql(tmp_path):
    import psycopg

    # A database of its own, so reruns and other PostgreSQL tests never see half-migrated tables.
    name = f"govinspect_migr_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        env = {**os.environ, "GOVINSPECT_DATABASE_URL": _with_database(PG_URL, name),
               "GOVINSPECT_WORKSPACE": str(tmp_path), "DJANGO_SETTINGS_MODULE": "govinspect.web.settings"}
        proc = subprocess.run([sys.executable, "-c", SCRIPT], env=env, capture_output=True,
                              text=True, timeout=120)
        assert proc.returncode == 0, proc.stderr
        assert proc.stdout.splitlines() == [
            "saved 1",
            "roundtrip True ['chuzhou.gov.cn']",
            "tables []",
        ]
    finally:
        with psycopg.connect(PG_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
