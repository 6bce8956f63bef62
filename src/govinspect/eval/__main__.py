"""Run every evaluation module (or those named) and write eval/results.json."""

from __future__ import annotations

import importlib
import json
import pkgutil
import sys
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table as RichTable

import govinspect.eval as package


def _modules(selected: list[str]) -> list[str]:
    names = sorted(m.name for m in pkgutil.iter_modules(package.__path__)
                   if not m.name.startswith("_"))
    return [n for n in names if not selected or n in selected]


def main(argv: list[str]) -> int:
    # Piped or redirected (`make eval > log`): wide enough that no name is cut to "…".
    console = Console() if sys.stdout.isatty() else Console(width=200)
    results: dict = {"generated_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "tables": {}}
    failed = []
    for name in _modules(argv):
        module = importlib.import_module(f"govinspect.eval.{name}")
        if not hasattr(module, "evaluate"):
            continue
        started = time.perf_counter()
        try:
            tables = module.evaluate()
        except Exception as exc:  # one broken evaluation must not hide the others
            console.print(f"[red]评测 {name} 失败：{exc!r}[/red]")
            failed.append(name)
            continue
        for table in tables:
            shown = RichTable(title=table.title)
            for column in table.columns:
                shown.add_column(str(column), overflow="fold")
            for row in table.rows:
                shown.add_row(*[str(c) for c in row])
            console.print(shown)
            for note in table.notes:
                console.print(f"  {note}")
            results["tables"][table.name] = table.as_dict()
        console.print(f"  ({name}: {time.perf_counter() - started:.1f} s)\n")
    out = Path("eval/results.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    console.print(f"结果已写入 {out}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
