"""法定主动公开内容 (P1; own stream ``p1_columns``): every government portal carries the columns
of ``plan.P1_COLUMNS``, with a few dated items each; on the planted portals one or two of them
are missing (one entry per missing category, at the portal's 政务公开 channel)."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from govinspect.core.types import SiteKind
from govinspect.demo import text as tx
from govinspect.demo.kinds.base import KindPlugin
from govinspect.demo.plan import P1_COLUMNS, Col, Item, PlanBuilder, SitePlan, col_path


def plant(b: PlanBuilder, rng: random.Random) -> None:
    portals = [p for p in b.plans if p.spec.kind == SiteKind.PORTAL]
    planted = b.own_sites(rng, min(3, max(1, len(portals) // 3)), portals)
    next_id = 2_600_000 + rng.randrange(10_000)
    for plan in portals:
        missing = (rng.sample(P1_COLUMNS, rng.randint(1, 2)) if plan in planted else [])
        missing.sort(key=P1_COLUMNS.index)
        for d in P1_COLUMNS:
            if d in missing:
                continue
            col = Col(d, d.name, col_path(d))
            n = max(2, round(rng.randint(3, 5) * b.scale))
            when = b.t - timedelta(days=rng.uniform(3, 40))
            for _ in range(n):
                when = when.replace(hour=rng.randint(8, 17), minute=rng.randint(0, 59),
                                    second=0, microsecond=0)
                next_id += rng.randint(1, 29)
                it = Item(next_id, d.key, _title(plan, d.key, when, rng), when, when)
                it.path = f"{col.path}{when:%Y%m}/t{when:%Y%m%d}_{next_id}.html"
                it.source = plan.spec.unit
                it.paragraphs = [f"根据《中华人民共和国政府信息公开条例》，现将{it.title}"
                                 "有关情况予以公开。",
                                 "如有疑问，请在工作日与本机关政务公开办公室联系。"]
                col.items.append(it)
                when -= timedelta(days=rng.uniform(10, 60))
            plan.cols[d.key] = col
        zwgk = b.url(plan.site.host, "/zwgk/")
        for d in missing:
            b.entry("mandatory_column_missing", "P1", plan, zwgk, text=d.ctype,
                    category=d.ctype, column=d.name)


def _title(plan: SitePlan, key: str, when: datetime, rng: random.Random) -> str:
    spec, top = plan.spec, tx.topic(rng)
    return {
        "xzzf": f"{spec.short}{top}领域“双随机、一公开”抽查结果",
        "czyjs": f"{spec.unit}{when.year}年部门预算",
        "zfcg": f"{spec.short}{top}服务采购项目成交结果",
        "zdxm": f"{spec.short}{when.year}年重点建设项目{top}专项实施进展",
        "yjgl": f"{spec.short}{top}突发事件应急处置情况",
    }[key]


PLUGIN = KindPlugin("mandatory_columns", kinds=("mandatory_column_missing",), plant=plant,
                    stream="p1_columns")
