"""The public mailbox (W-V5, W-D19, W-D18): an unanswered message, a reply that sends the public
to commercial media, a reply without its 答复时间."""

from __future__ import annotations

import random
from datetime import timedelta

from govinspect.demo.kinds.base import KindPlugin
from govinspect.demo.plan import PlanBuilder, Plant


def plant(b: PlanBuilder, rng: random.Random) -> None:
    for plan in b.sites_for(b.many(0.08, 1)):
        older = plan.cols["zxzx"].ordered()[1:]
        for it in plan.rng.sample(older, min(1, len(older))):
            when = b.t - timedelta(days=rng.uniform(100, 160))
            it.when = when.replace(second=0, microsecond=0)
            it.status = "办理中"
            rows = dict(it.rows)
            rows["留言时间"] = f"{it.when:%Y-%m-%d %H:%M}"
            rows["答复单位"] = rows["答复时间"] = rows["答复内容"] = ""
            it.rows = list(rows.items())
            b.text_entry("message_unanswered", "W-V5", plan, it, "",
                         asked=it.when.isoformat())
    for plan in b.sites_for(b.many(0.08, 1)):
        for it in b.pick_items(plan, ("zxzx",)):
            bad = "请关注“示例同城生活”微信公众号或在百度搜索了解"
            rows = dict(it.rows)
            rows["答复内容"] = f"您好！您咨询的问题不属于我单位职责范围，{bad}。感谢您的关注！"
            it.rows = list(rows.items())
            e = b.text_entry("reply_commercial_redirect", "W-D19", plan, it, bad)
            it.plants.append(Plant(rows["答复内容"], rows["答复内容"].index(bad), bad, e))
    for plan in b.sites_for(b.many(0.06, 1)):
        for it in b.pick_items(plan, ("zxzx",)):
            if it.status != "已答复":
                continue
            it.rows = [(k, v) for k, v in it.rows if k != "答复时间"]
            b.text_entry("message_missing_fields", "W-D18", plan, it, "",
                         missing=["答复时间"])


PLUGIN = KindPlugin(
    "messages",
    kinds=("message_unanswered", "reply_commercial_redirect", "message_missing_fields"),
    plant=plant)
