"""What a site says it is (W-D28, W-D20): the GBK site that declares UTF-8, and the department
on a non-compliant domain (roster.NONCOMPLIANT_DOMAIN). One pass over the sites, as the first
releases planted them, so the two kinds' entries keep their order in the manifest."""

from __future__ import annotations

import random

from govinspect.demo.kinds.base import KindPlugin
from govinspect.demo.plan import PlanBuilder
from govinspect.demo.roster import NONCOMPLIANT_DOMAIN


def plant(b: PlanBuilder, rng: random.Random) -> None:
    for plan in b.plans:
        if plan.charset_mode == "wrong":  # drawn with the site traits (network.py)
            b.entry("charset_wrong", "W-D28", plan, plan.site.homepage, scope="site",
                    declared="utf-8", actual="gbk")
        if plan.spec.slug in NONCOMPLIANT_DOMAIN:
            b.entry("domain_noncompliant", "W-D20", plan, plan.site.homepage,
                    host=plan.site.host)


PLUGIN = KindPlugin("identity", kinds=("charset_wrong", "domain_noncompliant"), plant=plant)
