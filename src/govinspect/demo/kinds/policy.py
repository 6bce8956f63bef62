"""Policy documents and their 解读 (P7, W-V1, W-D7, W-D8): a 文号 with wrong brackets, a 发布日期
moved to look fresh, a document without 解读, a 解读 the document does not link back to."""

from __future__ import annotations

import random
from datetime import timedelta

from govinspect.demo.kinds.base import KindPlugin
from govinspect.demo.plan import PlanBuilder, Plant


def plant(b: PlanBuilder, rng: random.Random) -> None:
    variants = [("[", "]"), ("(", ")"), ("〔 ", " 〕")]
    for k, plan in enumerate(b.sites_for(b.many(0.1, 3))):
        for it in b.pick_items(plan, ("zcwj",)):
            row = it.info_table[2]
            good = row[1][1]
            lo, hi = variants[k % 3]
            bad = good.replace("〔", lo).replace("〕", hi)
            it.info_table[2] = [row[0], ("文号", bad)]
            e = b.text_entry("doc_number_format", "P7", plan, it, bad, correct=good)
            cell = f"<th>文号</th><td>{bad}</td>"
            it.plants.append(Plant(cell, cell.index(bad), bad, e))
    non_portal = b.non_portal
    pool = [p for p in non_portal if p is not b.homepage_stale_plan] or non_portal
    for plan in b.sites_for(b.many(0.06, 1), pool):
        docs = [i for i in plan.cols["zcwj"].ordered() if i.when and
                i.when > b.t - timedelta(days=150)]
        if not docs:
            continue
        it = docs[-1]
        original = it.when
        assert original is not None
        if (b.t - original).days < 90:  # make it a clear move: written long ago
            original = original - timedelta(days=120)
            b.move_item(plan, it, original)
            row = it.info_table[3]
            it.info_table[3] = [("成文日期", f"{original - timedelta(days=5):%Y-%m-%d}"),
                                row[1]]
        it.when = (b.t - timedelta(days=rng.uniform(2, 10))).replace(second=0,
                                                                     microsecond=0)
        b.sync_policy_dates(it)
        shown = f"{it.when:%Y-%m-%d}"
        e = b.text_entry("pubdate_moved", "W-V1", plan, it, shown,
                         original=f"{original:%Y-%m-%d}")
        cell = f"<th>发布日期</th><td>{shown}</td>"
        it.plants.append(Plant(cell, cell.index(shown), shown, e))
    for plan in b.sites_for(b.many(0.12, 2)):
        docs = [i for i in plan.cols["zcwj"].items if i.interp]
        if len(docs) < 2:
            continue
        doc = docs[rng.randrange(len(docs))]
        zc = plan.cols["zcjd"]
        zc.items.remove(doc.interp)
        doc.interp = None
        doc.related = []
        b.entry("policy_without_interpretation", "W-D7", plan,
                b.url(plan.site.host, doc.path), title=doc.title)
    for plan in b.sites_for(b.many(0.12, 2)):
        docs = [i for i in plan.cols["zcwj"].items if i.interp and i.related]
        if not docs:
            continue
        doc = docs[rng.randrange(len(docs))]
        doc.related = []
        b.entry("interpretation_oneway_link", "W-D8", plan,
                b.url(plan.site.host, doc.interp.path),
                document_url=b.url(plan.site.host, doc.path),
                missing="document_to_interpretation")


PLUGIN = KindPlugin(
    "policy",
    kinds=("doc_number_format", "pubdate_moved", "policy_without_interpretation",
           "interpretation_oneway_link"),
    plant=plant)
