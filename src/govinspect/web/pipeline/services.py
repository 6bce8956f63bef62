"""A queued round's progress for the CLI and the workspace."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from django.utils import timezone

from govinspect.web.pipeline.models import Stage, StageState


def shard_pages(collect_dir: Path, key: str) -> Counter:
    """Pages captured so far per site code by a collect shard (its finished or growing
    capture list; empty once merged)."""
    counts: Counter = Counter()
    shard = collect_dir / "shards" / key.split("-")[1]
    for name in ("captures.jsonl", "captures.jsonl.part"):
        path = shard / name
        if not path.exists():
            continue
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                try:
                    counts[json.loads(line)["site_code"]] += 1
                except (ValueError, KeyError, TypeError):
                    continue  # a line being written
        break
    return counts


@dataclass(frozen=True)
class StageRow:
    stage: str  # label
    key: str
    state: str  # label
    done: bool
    attempts: int
    worker: str
    started: str
    error: str
    sites: tuple[tuple[str, int], ...]  # (code, pages captured so far) of a collect shard


def round_progress(round_) -> list[StageRow]:
    """The round's stages on the task queue, per stage and (collect) per site."""
    from govinspect.web.rounds.models import Capture
    from govinspect.web.rounds.services import round_dir

    stages = list(Stage.objects.filter(round=round_).order_by("id"))
    stored = Counter(Capture.objects.filter(round=round_).values_list("site__code", flat=True))
    collect_dir = round_dir(round_) / "collect"
    rows = []
    for s in stages:
        pages: Counter = Counter()
        if s.sites:
            pages = stored if stored and s.state == StageState.DONE else \
                shard_pages(collect_dir, s.key)
        rows.append(StageRow(
            s.get_stage_display(), s.key, s.get_state_display(), s.state == StageState.DONE,
            s.attempts, s.worker,
            timezone.localtime(s.started_at).strftime("%Y-%m-%d %H:%M:%S") if s.started_at
            else "", s.error, tuple((c, pages.get(c, 0)) for c in s.sites)))
    return rows


def progress(round_) -> list[str]:
    """The same as text lines (``govinspect queue status``)."""
    rows = round_progress(round_)
    if not rows:
        return [f"{round_.name} 没有交给任务队列（govinspect queue run {round_.name}）"]
    counts = Counter(r.state for r in rows)
    lines = [f"{round_.name}：" + "，".join(f"{k} {v}" for k, v in counts.items())]
    for r in rows:
        extra = "，".join(x for x in (r.worker, r.started) if x)
        line = f"  {r.stage} {r.key}：{r.state}（第 {r.attempts} 次{'，' + extra if extra else ''}）"
        if r.error:
            line += f" 错误：{r.error[:200]}"
        lines.append(line)
        lines.extend(f"    {code}：{n} 页" for code, n in r.sites)
    return lines
