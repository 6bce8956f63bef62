"""W-B1 数据发布 (加分, government portals only; own stream ``bonus``): every portal's 数据发布
column is fresh (its newest item 3–40 days old: the 3-month bonus); on one or two of them the
column's items move back so that the newest is 4–5 months old (the 6-month bonus). The ground
truth is derived from the plan: one entry per portal whose column's newest item is within 3
(else 6) calendar months before t. Only columns without other plants, links, attachments or
images on their items move, on sites whose search is the plain one."""

from __future__ import annotations

import random
from datetime import timedelta

from dateutil.relativedelta import relativedelta

from govinspect.core.types import SiteKind
from govinspect.demo.kinds.base import KindPlugin
from govinspect.demo.plan import PlanBuilder, SitePlan


def plant(b: PlanBuilder, rng: random.Random) -> None:
    portals = [p for p in b.plans if p.spec.kind == SiteKind.PORTAL]

    def movable(plan: SitePlan) -> bool:
        col = plan.cols["sjfb"]
        if plan.profile["sjfb"] != "fresh" or col.blank is not None or not col.items:
            return False
        if plan.search is not None and (plan.search.mode != "ok" or plan.search.decoys):
            return False
        if any(it.plants or it.links or it.attachments or it.images or it.related
               or it.when is None for it in col.items):
            return False
        prefix = b.url(plan.site.host, col.path)
        return not any(str(e.get("url") or "").startswith(prefix)
                       or str(e.get("parent_url") or "").startswith(prefix)
                       for e in b.manifest if e.get("site") == plan.site.code)

    pool = [p for p in portals if movable(p)]
    for plan in b.own_sites(rng, 2 if len(pool) >= 4 else 1, pool) if pool else []:
        col = plan.cols["sjfb"]
        newest = max(it.when for it in col.items if it.when)
        shift = timedelta(days=(newest - b.t).days + rng.randint(125, 148))
        for it in col.items:
            assert it.when is not None
            it.when -= shift
            it.url_date -= shift
            it.path = f"{col.path}{it.url_date:%Y%m}/t{it.url_date:%Y%m%d}_{it.id}.html"
            m = it.when - timedelta(days=20)
            it.title = f"{m.year}年{m.month}月{plan.spec.short}主要统计数据"
            it.paragraphs = [f"现将{m.year}年{m.month}月主要数据发布如下。"]
    for plan in portals:
        col = plan.cols["sjfb"]
        newest = max((it.when for it in col.items if it.when), default=None)
        if newest is None:
            continue
        for months, kind in ((3, "data_release_fresh_3m"), (6, "data_release_fresh_6m")):
            if newest.date() >= (b.t - relativedelta(months=months)).date():
                b.entry(kind, "W-B1", plan, b.url(plan.site.host, col.path),
                        scope="site", column=col.name, latest=newest.isoformat())
                break


PLUGIN = KindPlugin("data_release", kinds=("data_release_fresh_3m", "data_release_fresh_6m"),
                    plant=plant, stream="bonus")
