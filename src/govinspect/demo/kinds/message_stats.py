"""留言受理反馈 statistics (W-D18; own stream ``message_stats``): healthy sites publish them, as
a block above the mailbox list or on a page of their own linked from it; the planted ones
publish none, and show a 办件统计 block (W-D12 figures, the look-alike) on the mailbox list
instead (``network`` renders all three)."""

from __future__ import annotations

import random

from govinspect.demo.kinds.base import KindPlugin
from govinspect.demo.plan import PlanBuilder


def plant(b: PlanBuilder, rng: random.Random) -> None:
    for plan in b.plans:
        plan.message_stats = "page" if rng.random() < 0.4 else "block"
    pool = [p for p in b.plans if p.cols["zxzx"].items]
    for plan in b.own_sites(rng, max(1, round(0.06 * len(b.plans))), pool):
        plan.message_stats = "none"
        col = plan.cols["zxzx"]
        b.entry("message_stats_missing", "W-D18", plan, b.url(plan.site.host, col.path),
                column=col.name, lookalike="办件统计")


PLUGIN = KindPlugin("message_stats", kinds=("message_stats_missing",), plant=plant,
                    stream="message_stats")
