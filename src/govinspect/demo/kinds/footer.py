"""The footer (W-D21, W-D23): two sites each miss two registration items, one site the
我为政府网站找错 entry."""

from __future__ import annotations

import random

from govinspect.demo.kinds.base import KindPlugin
from govinspect.demo.plan import FOOTER_ITEMS, PlanBuilder

MISSING = (("icp", "police"), ("sitecode", "conac"))  # per site of ``b.footer_sites``


def plant(b: PlanBuilder, rng: random.Random) -> None:
    for i, missing in zip(b.footer_sites, MISSING, strict=True):
        plan = b.slot(i)
        plan.footer_missing += tuple(missing)
        for item in missing:
            b.entry("footer_missing_item", "W-D21", plan, plan.site.homepage,
                    item=FOOTER_ITEMS[item], scope="site")
    plan = b.slot(b.jiucuo_site)
    plan.footer_missing += ("jiucuo",)
    b.entry("jiucuo_missing", "W-D23", plan, plan.site.homepage, scope="site")


PLUGIN = KindPlugin("footer", kinds=("footer_missing_item", "jiucuo_missing"), plant=plant)
