"""Text problems that a lexicon finds (W-V1): typos, a leader's misspelled name or wrong title,
an abolished institution's name — each in a paragraph added to a news, notice or policy page."""

from __future__ import annotations

import random

from govinspect.demo import text as tx
from govinspect.demo.kinds.base import KindPlugin
from govinspect.demo.plan import PlanBuilder

NEWS = ("zwyw", "gzdt")  # the columns the text problems go to (abolished names: notices)


def plant(b: PlanBuilder, rng: random.Random) -> None:
    for plan in b.sites_for(b.many(0.25, 2)):
        for it in b.pick_items(plan, NEWS):
            correct, wrong, sentence = rng.choice(tx.TYPOS)
            para = sentence.replace(correct, wrong)
            e = b.text_entry("typo", "W-V1", plan, it, wrong, correct=correct,
                             severity="general")
            b.put(it, para, wrong, e)
    for plan in b.sites_for(b.many(0.1, 1)):
        title, name, _ = plan.leaders[0]
        for it in b.pick_items(plan, NEWS):
            bad = tx.misspell(name)
            para = f"{title}{bad}出席会议并讲话，对做好下一阶段工作提出明确要求。"
            e = b.text_entry("wrong_leader_name", "W-V1", plan, it, bad, correct=name,
                             severity="serious")
            b.put(it, para, bad, e)
    for plan in b.sites_for(b.many(0.1, 1)):
        title, name, _ = plan.leaders[0]
        wrong_title = plan.leaders[1][0]
        for it in b.pick_items(plan, NEWS):
            bad = wrong_title + name
            para = f"{bad}带队深入企业，实地督导{tx.topic(rng)}工作开展情况。"
            e = b.text_entry("wrong_leader_title", "W-V1", plan, it, bad,
                             correct=title + name, severity="serious")
            b.put(it, para, bad, e)
    for plan in b.sites_for(b.many(0.12, 1)):
        for it in b.pick_items(plan, ("tzgg", "zcwj")):
            old, new = rng.choice(tx.ABOLISHED)
            para = f"根据{old}有关工作要求，各单位要按照职责分工，切实抓好贯彻落实。"
            e = b.text_entry("abolished_institution", "W-V1", plan, it, old,
                             correct=new, severity="serious")
            b.put(it, para, old, e, at=1)


PLUGIN = KindPlugin(
    "lexicon_text",
    kinds=("typo", "wrong_leader_name", "wrong_leader_title", "abolished_institution"),
    plant=plant)
