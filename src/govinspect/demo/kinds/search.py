"""站内搜索 (W-D25; own stream ``search``): every site's search form and endpoint, and the
search problems and look-alike (``demo.search`` builds and serves them)."""

from __future__ import annotations

import random

from govinspect.demo import search as srch
from govinspect.demo.kinds.base import KindPlugin
from govinspect.demo.plan import PlanBuilder


def plant(b: PlanBuilder, rng: random.Random) -> None:
    srch.plant_search(b, rng)


PLUGIN = KindPlugin("search", kinds=(*srch.KINDS, "search_lookalike"), plant=plant,
                    stream="search")
