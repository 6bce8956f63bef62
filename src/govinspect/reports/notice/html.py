"""The 通报 as one HTML page (Jinja2 template, editable like the text templates)."""

from __future__ import annotations

from collections.abc import Sequence
from importlib import resources
from pathlib import Path

import jinja2

from govinspect.reports.notice.model import Notice


def render_html(notice: Notice, template_dirs: Sequence[Path] = ()) -> str:
    shipped = resources.files("govinspect.reports").joinpath("templates/notice")
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([*map(str, template_dirs), str(shipped)]),
        autoescape=True, trim_blocks=True, lstrip_blocks=True)
    return env.get_template("notice.html.j2").render(notice=notice)
