"""政府信息公开年度报告 (P5): the 2021 report dropped from the 年度报告 column."""

from __future__ import annotations

import random

from govinspect.demo.kinds.base import KindPlugin
from govinspect.demo.plan import PlanBuilder


def plant(b: PlanBuilder, rng: random.Random) -> None:
    for plan in b.sites_for(b.many(0.06, 1), b.non_portal):
        col = plan.cols["ndbg"]
        latest = max(col.items, key=lambda i: i.url_date)
        col.items.remove(latest)
        b.entry("annual_report_missing", "P5", plan, b.url(plan.site.host, col.path),
                year=2021)


PLUGIN = KindPlugin("annual_report", kinds=("annual_report_missing",), plant=plant)
