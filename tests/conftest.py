"""Shared test setup: never touch the developer's real workspace.

pytest-django imports the Django settings before this file runs, so the workspace is set both
in the environment (for subprocesses) and on the already-loaded settings.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

_WORKSPACE = Path(tempfile.mkdtemp(prefix="govinspect-test-"))
atexit.register(shutil.rmtree, _WORKSPACE, ignore_errors=True)
os.environ["GOVINSPECT_WORKSPACE"] = str(_WORKSPACE)
# A rule that raises or returns a finding it did not declare fails the test on the spot
# (in production the engine reports it as a GI-E001 finding and runs the other rules).
os.environ["GOVINSPECT_RULES_STRICT"] = "1"


def pytest_configure(config) -> None:
    from django.conf import settings

    if not settings.configured:
        return
    settings.WORKSPACE = _WORKSPACE
    settings.STATIC_ROOT = str(_WORKSPACE / "static")
    settings.MEDIA_ROOT = str(_WORKSPACE / "media")
    # Tests create and sign in many users: a cheap hasher (production keeps Django's default).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # No automatic re-check behind a test's back (it would fetch the scenario's hosts); the
    # re-check tests turn it on against a demo network they serve.
    settings.GOVINSPECT_RECHECK = "off"
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        db["NAME"] = str(_WORKSPACE / "govinspect.sqlite3")
