"""Fault modes (``faults=True`` only): a homepage that answers 503 on every 6th request (W-V2),
a slow site, and an endless calendar (the crawler trap; ``network`` serves it)."""

from __future__ import annotations

import random

from govinspect.demo.kinds.base import KindPlugin
from govinspect.demo.plan import TRAP_PATH, PlanBuilder

FLAKY_EVERY = 6  # the homepage's 2nd, 8th, 14th … request answers 503
SLOW_S = (0.3, 0.8)  # seconds per request, deterministic per URL


def plant(b: PlanBuilder, rng: random.Random) -> None:
    if not b.faults:
        return
    plan = b.slot(b.flaky_site)
    b.flaky[(plan.site.host, "/")] = FLAKY_EVERY
    b.entry("availability_flaky", "W-V2", plan, plan.site.homepage,
            failure_share=round(1 / FLAKY_EVERY, 4), status=503)
    plan = b.slot(b.slow_site)
    b.slow_hosts[plan.site.host] = SLOW_S
    b.entry("slow_site", None, plan, plan.site.homepage, delay_s=list(SLOW_S))
    plan = b.slot(b.trap_site)
    plan.trap = True
    b.trap_hosts[plan.site.host] = plan
    b.entry("crawler_trap", None, plan, b.url(plan.site.host, TRAP_PATH + "?date="),
            url_prefix=b.url(plan.site.host, TRAP_PATH + "?date="),
            parent_url=plan.site.homepage)


PLUGIN = KindPlugin("faults", kinds=("availability_flaky", "slow_site", "crawler_trap"),
                    plant=plant)
