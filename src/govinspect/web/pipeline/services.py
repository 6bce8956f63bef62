"""A queued round's progress for the CLI and the workspace."""

from __future__ import annotations

import json
from collections import Counter
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


def progress(round_) -> list[str]:
    from govinspect.web.rounds.models import Capture
    from govinspect.web.rounds.services import round_dir

    stages = list(Stage.objects.filter(round=round_).order_by("id"))
    if not stages:
        return [f"{round_.name} 没有交给任务队列（govinspect queue run {round_.name}）"]
    counts = Counter(s.state for s in stages)
    lines = [f"{round_.name}：" + "，".join(f"{StageState(k).label} {v}" for k, v in counts.items())]
    stored = Counter(Capture.objects.filter(round=round_).values_list("site__code", flat=True))
    collect_dir = round_dir(round_) / "collect"
    for s in stages:
        when = timezone.localtime(s.started_at).strftime("%H:%M:%S") if s.started_at else ""
        line = (f"  {s.get_stage_display()} {s.key}：{s.get_state_display()}"
                f"（第 {s.attempts} 次{'，' + s.worker if s.worker else ''}{'，' + when if when else ''}）")
        if s.error:
            line += f" 错误：{s.error[:200]}"
        lines.append(line)
        if s.sites:
            pages = shard_pages(collect_dir, s.key) if s.state != StageState.DONE or \
                not stored else stored
            lines.extend(f"    {code}：{pages.get(code, 0)} 页" for code in s.sites)
    return lines
