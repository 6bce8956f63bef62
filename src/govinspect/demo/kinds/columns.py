"""Column freshness and blank columns (W-D4–W-D6, W-V4, W-D12, W-D18) and the stale homepage
(W-V3): the profiles are drawn before the items are generated (they decide the items' dates),
the entries after (they carry each column's newest date)."""

from __future__ import annotations

import random

from govinspect.demo.kinds.base import KindPlugin
from govinspect.demo.plan import PlanBuilder

# (column, kind, indicator): one column of each made stale on about 6 % of the non-portal sites
STALE_COLUMNS = (
    ("zwyw", "stale_news_column", "W-D4"),
    ("tzgg", "stale_notice_column", "W-V4"),
    ("zcwj", "stale_policy_column", "W-D5"),
    ("rsxx", "stale_longterm_column", "W-V4"),
    ("bstj", "stale_service_stats", "W-D12"),
    ("zxzx", "stale_messages", "W-D18"),
)
BLANKS = (("blank_column_empty", ""), ("blank_column_placeholder", "暂无信息"),
          ("blank_column_explained", "本栏目无信息说明：本单位不涉及此类事项，故本栏目暂无信息。"))


def profiles(b: PlanBuilder, rng: random.Random) -> None:
    non_portal = b.non_portal
    for key, kind, ind in STALE_COLUMNS:
        for plan in b.sites_for(b.many(0.06), non_portal):
            plan.profile[key] = "stale"
            b.column_entries.append((plan, key, kind, ind))
    hs = b.slot(b.homepage_stale_site)
    for key in ("zwyw", "gzdt"):
        hs.profile[key] = "stale"
    b.column_entries += [(hs, "zwyw", "stale_news_column", "W-D4"),
                         (hs, "gzdt", "stale_news_column", "W-D4")]
    b.homepage_stale_plan = hs
    for key in ("tzgg", "zcwj"):  # everything on its homepage is older than 2 weeks
        if hs.profile[key] == "fresh":
            hs.profile[key] = "stale14"
    for kind, text in BLANKS:
        for plan in b.sites_for(b.many(0.06), non_portal):
            free = [k for k in ("dczj", "zxft", "ghjh") if plan.profile[k] == "fresh"]
            if not free:
                continue
            key = rng.choice(free)
            plan.profile[key] = "blank"
            plan.cols[key].blank = text
            b.column_entries.append((plan, key, kind, "W-V4"))


def plant(b: PlanBuilder, rng: random.Random) -> None:
    for plan, key, kind, ind in b.column_entries:
        col = plan.cols[key]
        latest = max((i.when for i in col.items if i.when), default=None)
        b.entry(kind, ind, plan, b.url(plan.site.host, col.path), column=col.name,
                latest=latest.isoformat() if latest else None)
        if key == "zcwj":
            zc = plan.cols["zcjd"]
            latest = max((i.when for i in zc.items if i.when), default=None)
            b.entry("stale_interpretation_column", "W-D6", plan,
                    b.url(plan.site.host, zc.path), column=zc.name,
                    latest=latest.isoformat() if latest else None)
    hs = b.homepage_stale_plan
    assert hs is not None
    b.entry("homepage_stale", "W-V3", hs, hs.site.homepage)


PLUGIN = KindPlugin(
    "columns",
    kinds=("stale_news_column", "stale_notice_column", "stale_policy_column",
           "stale_longterm_column", "stale_service_stats", "stale_messages",
           "stale_interpretation_column", "blank_column_empty", "blank_column_placeholder",
           "blank_column_explained", "homepage_stale"),
    before_items=profiles, plant=plant)
