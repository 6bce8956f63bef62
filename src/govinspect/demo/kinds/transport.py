"""HTTPS (G13), TLS networks only: the planted sites (``network.TRANSPORT_PLANTS``, drawn to
``b.transport_sites`` with the other site slots) and every healthy HTTPS site as a look-alike
(no G13 finding may be reported for it; IPv6 has its own look-alikes)."""

from __future__ import annotations

import random

from govinspect.demo.kinds.base import KindPlugin
from govinspect.demo.plan import PlanBuilder


def plant(b: PlanBuilder, rng: random.Random) -> None:
    if b.https_port is None:
        return
    from govinspect.demo.tls import EXPIRED_DAYS_AGO, OTHER_HOSTS

    planted = dict(b.transport_sites)
    for i, plan in enumerate(b.plans):
        mode = planted.get(i, "ok")
        t = b.transport[plan.site.host]
        home = plan.site.homepage
        if mode == "http_only":
            b.entry("http_only", "G13", plan, home, scope="site")
        elif mode in ("cert_expired", "cert_hostname_mismatch"):
            extra = {"expired_days": EXPIRED_DAYS_AGO} if t.cert == "expired" else \
                {"cert_names": list(OTHER_HOSTS)}
            b.entry(mode, "G13", plan, home, scope="site", **extra)
        if mode != "http_only" and not t.redirect:
            # also the broken-certificate sites: HTTPS offered on the side, not enforced
            b.entry("no_https_redirect", "G13", plan, home, scope="site", http_status=200)
        if mode == "no_hsts":
            b.entry("no_hsts", "G13", plan, home, scope="site")
        if mode in ("ok", "ok_renewing"):
            b.entry("lookalike_https_ok", "G13", plan, home, scope="site",
                    cert_days=t.cert_days, negative=True)


PLUGIN = KindPlugin(
    "transport",
    kinds=("http_only", "cert_expired", "cert_hostname_mismatch", "no_https_redirect", "no_hsts",
           "lookalike_https_ok"),
    plant=plant)
