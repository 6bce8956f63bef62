"""Where a round stands: which stages ran to the end, and what its reports may claim.

The collect stage is done when the collector wrote ``collect/summary.json`` and its captures
were stored; the analysis stage is done when every finding of the analysis (and the office's
earlier review decisions) were committed. Both are recorded in
``WORKSPACE/rounds/<name>/stages.json``, written atomically: ``running`` before a stage
starts, ``done`` after its last write. A stage killed half-way stays ``running``; the round's
reports are then drafts, and ``round run`` runs the stage again (every stage is idempotent).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from govinspect.web.rounds.models import Round

STAGES = "stages.json"
RUNNING, DONE = "running", "done"
COLLECT, ANALYSIS, NEWMEDIA = "collect", "analysis", "newmedia"


def round_dir(round_: Round) -> Path:
    return Path(settings.WORKSPACE) / "rounds" / round_.name


def read_stages(round_: Round) -> dict[str, dict]:
    try:
        data = json.loads((round_dir(round_) / STAGES).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def mark(round_: Round, stage: str, state: str, **info) -> None:
    """Record ``stage`` as ``state`` (with ``info``), atomically (write, fsync, rename)."""
    stages = read_stages(round_)
    entry = {"state": state, "at": timezone.now().isoformat(timespec="seconds"), **info}
    if state == RUNNING:
        entry["started"] = entry["at"]
    elif stages.get(stage, {}).get("started"):
        entry["started"] = stages[stage]["started"]
    stages[stage] = entry
    folder = round_dir(round_)
    folder.mkdir(parents=True, exist_ok=True)
    part = folder / (STAGES + ".part")
    with open(part, "w", encoding="utf-8") as fh:
        fh.write(json.dumps(stages, ensure_ascii=False, indent=1))
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(part, folder / STAGES)


def state(round_: Round, stage: str) -> str:
    """``done``, ``running`` (started, not finished: killed or still going) or ``""``."""
    return str(read_stages(round_).get(stage, {}).get("state") or "")


def collect_finished(round_: Round) -> bool:
    """The collector finished its crawl (its summary is written)."""
    return (round_dir(round_) / "collect" / "summary.json").exists()


def report_blockers(round_: Round) -> list[str]:
    """Why the round cannot be reported as final (zh-hans); empty when it can."""
    out = []
    # (a queued round's merge stores the captures without this file's collect mark)
    if not collect_finished(round_) or state(round_, COLLECT) == RUNNING:
        out.append(f"检查轮次 {round_.name} 尚未完成采集")
    if state(round_, ANALYSIS) != DONE:
        how = "分析中断，未完成" if state(round_, ANALYSIS) == RUNNING else "尚未分析"
        out.append(f"检查轮次 {round_.name} {how}")
    return out


@dataclass(frozen=True)
class ReviewStatus:
    """Findings of the round still waiting for a person (待复核), and which of them the
    scores count (see ``services.counts_for_score``)."""

    pending: int
    pending_counted: int  # certain findings: counted while they wait

    @property
    def pending_not_counted(self) -> int:
        return self.pending - self.pending_counted

    def sentence(self) -> str:
        """One line every output carries (zh-hans)."""
        if not self.pending:
            return "全部问题均已复核，得分按复核结果计算。"
        parts = []
        if self.pending_counted:
            parts.append(f"其中 {self.pending_counted} 条为确定问题，已计入得分")
        if self.pending_not_counted:
            parts.append(f"{self.pending_not_counted} 条为疑似或须人工确认的问题，"
                         "确认前未计入得分")
        return f"尚有 {self.pending} 条问题待复核：{'；'.join(parts)}。"
