"""`make bench` (python -m bench): finds every bench_*.py, filters by name, runs each."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("bench_runner", ROOT / "bench" / "__main__.py")
_runner = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_runner)
discover = _runner.discover


def test_discovers_bench_scripts_and_filters_by_name(tmp_path: Path):
    for name in ("bench_extract.py", "bench_text.py", "bench_new.py", "helper.py"):
        (tmp_path / name).write_text("print('ok')\n")
    assert [p.name for p in discover([], tmp_path)] == ["bench_extract.py", "bench_new.py",
                                                        "bench_text.py"]
    assert [p.name for p in discover(["text", "new"], tmp_path)] == ["bench_new.py",
                                                                    "bench_text.py"]
    assert discover(["nothing"], tmp_path) == []


def test_unknown_name_is_a_clear_error():
    run = subprocess.run([sys.executable, "-m", "bench", "no-such-bench"], cwd=ROOT,
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 2
    assert "没有名称包含 no-such-bench 的基准脚本" in run.stderr and "bench_extract" in run.stderr


def test_analyse_real_prints_the_figure_and_its_floor(tmp_path: Path):
    """The issue's command: extraction + every page rule on the real pages, beside the floor."""
    (tmp_path / "pages").mkdir()  # only the shared real pages: a quick single pass
    env = {**os.environ, "GOVINSPECT_REALCORPUS": str(tmp_path)}
    run = subprocess.run([sys.executable, "-m", "bench", "analyse", "--real", "--repeat", "1", "--rounds", "1"],
                         cwd=ROOT, capture_output=True, text=True, timeout=600, env=env)
    assert run.returncode == 0, run.stderr[-2000:]
    for line in ("best of 1 rounds", "lxml parse alone (floor):", "extraction alone:", "page rules alone",
                 "analysis (extraction + every page rule + site rules):",
                 "analysis, first pass alone (every page new):"):
        assert line in run.stdout, run.stdout
    assert "real pages: 0" not in run.stdout
