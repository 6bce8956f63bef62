"""Peak memory of a process and all its descendants (the collect's workers), from /proc."""

from __future__ import annotations

import os
import threading
from pathlib import Path


def tree_rss_mb(root: int) -> float:
    """Summed RSS (MB) of ``root`` and every descendant right now."""
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        try:
            status = Path(f"/proc/{pid}/status").read_text()
            total += int(status.split("VmRSS:")[1].split()[0]) if "VmRSS:" in status else 0
            for task in os.listdir(f"/proc/{pid}/task"):
                todo += [int(c) for c in
                         Path(f"/proc/{pid}/task/{task}/children").read_text().split()]
        except (OSError, ValueError, IndexError):
            continue
    return total / 1024


class PeakTreeRss:
    """Samples the tree's summed RSS every ``every`` seconds until ``stop``; ``peak`` MB."""

    def __init__(self, pid: int, every: float = 0.05):
        self.pid, self.every, self.peak = pid, every, 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, tree_rss_mb(self.pid))
            self._stop.wait(self.every)

    def stop(self) -> float:
        self._stop.set()
        self._thread.join()
        return self.peak
