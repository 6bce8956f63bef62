"""Meta tags of 网页设计规范 (W-D27): one site has none on any page; elsewhere about 3 % of the
news and notice pages lack their content tags and some 基层动态 columns their column tags."""

from __future__ import annotations

import random

from govinspect.demo.kinds.base import KindPlugin
from govinspect.demo.plan import META_ALL, META_COLUMN, META_CONTENT, PlanBuilder


def plant(b: PlanBuilder, rng: random.Random) -> None:
    plan = b.slot(b.no_meta_site)
    plan.no_meta = True
    b.entry("meta_tags_missing", "W-D27", plan, plan.site.homepage, scope="site",
            missing=list(META_ALL))
    for plan in b.plans:
        if plan.no_meta:
            continue
        for key in ("zwyw", "tzgg"):
            col = plan.cols[key]
            for it in sorted(col.items, key=lambda i: i.id):
                if rng.random() < 0.03:
                    it.drop_meta = META_CONTENT
                    b.entry("meta_tags_missing", "W-D27", plan,
                            b.url(plan.site.host, it.path), scope="page",
                            missing=list(META_CONTENT))
        if rng.random() < 0.15:
            col = plan.cols["gzdt"]
            if col.items:
                col.drop_meta = META_COLUMN
                b.entry("meta_tags_missing", "W-D27", plan,
                        b.url(plan.site.host, col.path), scope="page",
                        missing=list(META_COLUMN))


PLUGIN = KindPlugin("meta_tags", kinds=("meta_tags_missing",), plant=plant)
