"""The architecture is a test: the import contracts of pyproject.toml ([tool.importlinter]:
layers core <- extract <- lexicons <- rules <- indicators <- reports <- collect/web <- cli/demo/eval,
and no cycles between sibling modules) hold for src/govinspect. See docs/architecture.md."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_RUN = ("import sys; from importlinter.cli import lint_imports; "
        "sys.exit(lint_imports(config_filename=sys.argv[1], no_cache=True, no_logo=True))")


def _lint(config: Path, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", _RUN, str(config)], cwd=cwd,
                          capture_output=True, text=True, timeout=600)


def test_import_contracts_hold():
    result = _lint(ROOT / "pyproject.toml", ROOT / "src")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 kept, 0 broken" in result.stdout, result.stdout


def test_contract_catches_an_upward_import_and_a_cycle(tmp_path):
    """The same contract types, on a toy package that breaks both: the check can fail."""
    pkg = tmp_path / "toy"
    for name, body in {"__init__": "", "core": "import toy.rules\n", "rules": "import toy.core\n",
                       "web": "", "a/__init__": "", "a/x": "import toy.a.y\n",
                       "a/y": "import toy.a.x\n"}.items():
        (pkg / f"{name}.py").parent.mkdir(parents=True, exist_ok=True)
        (pkg / f"{name}.py").write_text(body)
    config = tmp_path / "pyproject.toml"
    config.write_text(textwrap.dedent("""\
        [tool.importlinter]
        root_package = "toy"
        [[tool.importlinter.contracts]]
        name = "layers"
        type = "layers"
        containers = ["toy"]
        layers = ["web", "rules", "core"]
        [[tool.importlinter.contracts]]
        name = "acyclic"
        type = "acyclic_siblings"
        ancestors = ["toy"]
        """))
    result = _lint(config, tmp_path)
    assert result.returncode == 1
    assert "toy.core -> toy.rules" in result.stdout, result.stdout
    assert "0 kept, 2 broken" in result.stdout, result.stdout
