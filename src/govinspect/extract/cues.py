"""Loads the cue files of extract/data/ once."""

from __future__ import annotations

from functools import cache
from importlib import resources

import yaml


@cache
def load(name: str) -> dict:
    text = resources.files("govinspect.extract").joinpath("data", name).read_text("utf-8")
    return yaml.safe_load(text) or {}
