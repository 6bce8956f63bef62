"""办事指南 wording (W-D13; own stream ``guide_wording``): a guide whose 办理材料 ends with a
catch-all ("根据有关法律法规规定应提交的其他材料"); the look-alike is a guide stating that no
other material is needed."""

from __future__ import annotations

import random

from govinspect.demo.kinds.base import KindPlugin
from govinspect.demo.plan import GUIDE_ELEMENTS, VAGUE_MATERIALS, Item, PlanBuilder, SitePlan


def plant(b: PlanBuilder, rng: random.Random) -> None:
    def complete(plan: SitePlan) -> list[Item]:
        return sorted((i for i in plan.cols["bszn"].items
                       if len(i.rows) == len(GUIDE_ELEMENTS)), key=lambda i: i.id)

    pool = [p for p in b.plans if len(complete(p)) >= 2]
    planted = b.own_sites(rng, max(1, round(0.06 * len(b.plans))), pool)
    for plan in pool:
        guides = complete(plan)
        if plan in planted:
            it = guides[rng.randrange(len(guides))]
            phrase = rng.choice(VAGUE_MATERIALS)
            _add_material(it, phrase)
            b.text_entry("guide_vague_materials", "W-D13", plan, it, phrase)
            guides.remove(it)
        if rng.random() < 0.15:
            it = guides[rng.randrange(len(guides))]
            _add_material(it, "无需提供其他材料")
            b.text_entry("lookalike_guide_no_other_materials", "W-D13", plan, it,
                         "无需提供其他材料", negative=True)


def _add_material(it: Item, text: str) -> None:
    rows = dict(it.rows)
    rows["办理材料"] = rows["办理材料"].rstrip("。") + f"；3.{text}。"
    it.rows = list(rows.items())


PLUGIN = KindPlugin("guide_wording",
                    kinds=("guide_vague_materials", "lookalike_guide_no_other_materials"),
                    plant=plant, stream="guide_wording")
