"""IPv6 (W-D29; networks built with ``ipv6=True``, own stream ``ipv6``): every site's hosts get
an AAAA record (the IPv6 loopback, where the demo server listens) except the planted ones:
``ipv6_missing`` (no AAAA record) and ``ipv6_broken`` (an AAAA record, but the IPv6 listener
closes the site's connections unanswered). Healthy sites are look-alikes
(``lookalike_ipv6_ok``): no W-D29 finding."""

from __future__ import annotations

import random

from govinspect.demo.kinds.base import KindPlugin
from govinspect.demo.model import IPV6_LOOPBACK
from govinspect.demo.plan import PlanBuilder

# On distinct non-portal sites, in this order (a small network gets the first ones); every
# other site is "ok".
IPV6_PLANTS = ("missing", "broken", "missing")


def plant(b: PlanBuilder, rng: random.Random) -> None:
    if not b.ipv6:
        return
    pool = b.plans[1:] or b.plans
    picks = rng.sample(range(len(pool)), min(len(IPV6_PLANTS), len(pool)))
    planted = {pool[k].site.host: mode for k, mode in zip(picks, IPV6_PLANTS, strict=False)}
    for plan in b.plans:
        site = plan.site
        mode = planted.get(site.host, "ok")
        b.ipv6_plan[site.host] = mode
        if mode != "missing":
            b.resolve6.update({h: IPV6_LOOPBACK for h in site.hosts})
        if mode == "ok":
            b.entry("lookalike_ipv6_ok", "W-D29", plan, site.homepage, scope="site",
                    negative=True)
        else:
            b.entry(f"ipv6_{mode}", "W-D29", plan, site.homepage, scope="site",
                    **({"aaaa": IPV6_LOOPBACK} if mode == "broken" else {}))


PLUGIN = KindPlugin("ipv6", kinds=("ipv6_missing", "ipv6_broken", "lookalike_ipv6_ok"),
                    plant=plant, stream="ipv6")
