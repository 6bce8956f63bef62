"""办事指南 (W-V6): a guide without four of its ten elements."""

from __future__ import annotations

import random

from govinspect.demo.kinds.base import KindPlugin
from govinspect.demo.plan import GUIDE_ELEMENTS, PlanBuilder


def plant(b: PlanBuilder, rng: random.Random) -> None:
    for plan in b.sites_for(b.many(0.08, 1)):
        for it in b.pick_items(plan, ("bszn",)):
            missing = rng.sample(GUIDE_ELEMENTS[1:], 4)
            missing.sort(key=GUIDE_ELEMENTS.index)
            it.rows = [(k, v) for k, v in it.rows if k not in missing]
            b.text_entry("guide_missing_elements", "W-V6", plan, it, "", missing=missing)


PLUGIN = KindPlugin("guides", kinds=("guide_missing_elements",), plant=plant)
