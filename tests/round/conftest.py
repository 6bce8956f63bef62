"""Fixtures of the whole-round tests (the network itself: network.py)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "collect"))

from network import start_network  # noqa: E402


@pytest.fixture
def small_network(tmp_path):
    yield from start_network(tmp_path)
