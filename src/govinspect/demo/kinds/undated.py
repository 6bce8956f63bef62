"""Undated items (W-V4 note): never the newest of a column, so freshness stays as planned."""

from __future__ import annotations

import random

from govinspect.demo.kinds.base import KindPlugin
from govinspect.demo.plan import PlanBuilder


def plant(b: PlanBuilder, rng: random.Random) -> None:
    for plan in b.sites_for(b.many(0.1, 1)):
        for it in b.pick_items(plan, ("zwyw", "tzgg")):
            col = plan.cols[it.col]
            if col.ordered()[0] is it or it.plants:
                continue
            it.when = None
            b.text_entry("undated_item", "W-V4", plan, it, "")


PLUGIN = KindPlugin("undated", kinds=("undated_item",), plant=plant)
