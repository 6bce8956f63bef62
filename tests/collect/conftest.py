"""Fixtures of the collector tests."""

from __future__ import annotations

import pytest
from collect_server import SiteServer


@pytest.fixture
def site_server():
    server = SiteServer()
    server.thread.start()
    yield server
    server.httpd.shutdown()
    server.httpd.server_close()
