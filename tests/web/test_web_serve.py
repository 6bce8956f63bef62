"""`govinspect serve` (local development server) brings up the workspace and the admin,
styled, on the requested port."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> tuple[int, str, str]:
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(url, timeout=60) as resp:
            return resp.status, resp.headers.get("Location", ""), resp.read().decode("utf-8")
    except urllib.error.HTTPError as err:
        return err.code, err.headers.get("Location", ""), ""


@pytest.fixture
def server(tmp_path):
    port = _free_port()
    env = {**os.environ, "GOVINSPECT_WORKSPACE": str(tmp_path)}
    env.pop("GOVINSPECT_DATABASE_URL", None)
    proc = subprocess.Popen([sys.executable, "-m", "govinspect.cli", "serve", "--port", str(port)],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail("server did not start:\n" + (proc.stdout.read() if proc.stdout else ""))
            time.sleep(0.1)
    yield base, tmp_path
    proc.terminate()
    proc.wait(timeout=10)


def test_serve_admin_login_static_and_root_redirect(server):
    base, workspace = server
    status, _, body = _get(base + "/admin/login/")
    assert status == 200 and "govinspect" in body and "csrfmiddlewaretoken" in body
    assert _get(base + "/static/admin/css/base.css")[0] == 200
    assert _get(base + "/")[:2] == (302, "/login/?next=/")  # the workspace asks to sign in
    status, _, body = _get(base + "/login/")
    assert status == 200 and "登录检查工作台" in body
    assert _get(base + "/static/workspace/workspace.css")[0] == 200
    assert (workspace / "govinspect.sqlite3").is_file()  # migrated into the workspace
    assert (workspace / "secret_key").stat().st_mode & 0o777 == 0o600  # its own key
