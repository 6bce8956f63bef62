"""`make bench`: run every ``bench/bench_*.py`` one after the other, printing their output.

    python -m bench              # all of them
    python -m bench extract      # only those whose name contains "extract" (several allowed)
    python -m bench analyse --real   # from the first --option on, passed on to the scripts

Each script runs in its own process (``python bench/bench_x.py``) so one benchmark's caches,
memory and imports do not colour the next one's figures, and a failing one does not stop
the others; the exit status is non-zero when any failed.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def discover(filters: list[str], folder: Path = HERE) -> list[Path]:
    """``bench_*.py`` in ``folder`` by name; with filters, those whose name contains any."""
    scripts = sorted(folder.glob("bench_*.py"))
    if filters:
        scripts = [s for s in scripts if any(f in s.stem for f in filters)]
    return scripts


def main(argv: list[str]) -> int:
    if any(a in ("-h", "--help") for a in argv):
        print(__doc__)
        return 0
    first = next((i for i, a in enumerate(argv) if a.startswith("--")), len(argv))
    argv, options = argv[:first], argv[first:]
    scripts = discover(argv)
    if not scripts:
        names = "、".join(s.stem for s in discover([])) or "无"
        print(f"没有名称包含 {'、'.join(argv)} 的基准脚本（现有：{names}）", file=sys.stderr)
        return 2
    failed = []
    for script in scripts:
        print(f"=== {script.stem} ===", flush=True)
        started = time.perf_counter()
        code = subprocess.run([sys.executable, str(script), *options], cwd=HERE.parent,
                              check=False).returncode
        print(f"--- {script.stem}：{'完成' if code == 0 else f'失败（退出码 {code}）'}，"
              f"用时 {time.perf_counter() - started:.1f} 秒\n", flush=True)
        if code != 0:
            failed.append(script.stem)
    if failed:
        print(f"失败的基准：{'、'.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
