"""Dead links (W-D22): exact ground truth, one entry per (parent page, target). Each class goes
on the homepage once and on news, notice or policy pages otherwise."""

from __future__ import annotations

import random
from datetime import timedelta

from govinspect.demo import text as tx
from govinspect.demo.kinds.base import KindPlugin
from govinspect.demo.model import Page, origin
from govinspect.demo.plan import Item, PlanBuilder, SitePlan, env
from govinspect.demo.roster import DEAD_HOSTS

CLASSES = ("dead_link_404", "dead_link_dns", "dead_link_attachment", "dead_link_image",
           "dead_link_soft404", "dead_link_redirect_loop")


def plant(b: PlanBuilder, rng: random.Random) -> None:
    plans = b.plans
    for cls in CLASSES:
        count = b.many(0.3, 2)
        for k in range(count):
            plan = plans[rng.randrange(len(plans))]
            on_home = k == 0
            parent = None if on_home else b.pick_items(plan, ("zwyw", "gzdt", "tzgg", "zcwj"))
            if not on_home and not parent:
                on_home = True
            _dead_link(b, rng, plan, cls, parent[0] if parent else None)


def _dead_link(b: PlanBuilder, rng: random.Random, plan: SitePlan, cls: str,
               parent: Item | None) -> None:
    host = plan.site.host
    base_date = parent.url_date if parent else b.t - timedelta(days=400)
    old = base_date - timedelta(days=rng.randint(60, 900))
    gone_id = b.doc_id()
    text = f"{tx.topic(rng)}相关材料"
    is_image = False
    if cls == "dead_link_404":
        path = f"/zwgk/tzgg/{old:%Y%m}/t{old:%Y%m%d}_{gone_id}.html"
        href, target = path, b.url(host, path)
        text = tx.notice_title(rng, tx.topic(rng), old.year)
    elif cls == "dead_link_dns":
        dead = rng.choice(DEAD_HOSTS)
        target = href = origin(dead, 80) + f"/{old:%Y%m}/t{old:%Y%m%d}_{gone_id}.html"
        text = "原" + rng.choice(["环保局网站", "国土资源网", "专题网站"]) + "相关信息"
    elif cls in ("dead_link_attachment", "dead_link_image"):
        ext = "pdf" if cls == "dead_link_attachment" else "jpg"
        col_path = plan.cols[parent.col].path if parent else "/zwgk/tzgg/"
        path = f"{col_path}{old:%Y%m}/{'P' if ext == 'pdf' else 'W'}0{old:%Y%m%d}" \
               f"{rng.randrange(10**12):012d}.{ext}"
        href, target = path, b.url(host, path)
        is_image = ext == "jpg"
        text = f"{tx.topic(rng)}实施细则.pdf" if not is_image else "宣传图片"
    elif cls == "dead_link_soft404":
        path = f"/zwgk/zcwj/{old:%Y%m}/t{old:%Y%m%d}_{gone_id}.html"
        href, target = path, b.url(host, path)
        b.pages[(host, path)] = _soft404_page()
        text = tx.notice_title(rng, tx.topic(rng), old.year)
    else:  # redirect loop
        first = f"/art/{old:%Y/%m/%d}/art_{gone_id}.html"
        second = f"/art/{old:%Y/%m/%d}/art_{gone_id}/"
        for src, dst in ((first, second), (second, first)):
            b.pages[(host, src)] = Page(b"", "text/html", status=302,
                                        headers=(("Location", b.url(host, dst)),))
        href, target = first, b.url(host, first)
    parent_path = parent.path if parent else "/"
    parent_url = b.url(host, parent_path)
    if parent is None:
        if is_image:
            plan.home_promo.append((href, text))
        else:
            plan.home_links.append((text, href))
    elif is_image:
        parent.images.append((href, text))
    elif cls == "dead_link_attachment":
        parent.attachments.append((text, href))
    else:
        parent.links.append((text, href))
    b.entry(cls, "W-D22", plan, target, parent_url=parent_url,
            on_homepage=parent is None, link_text=text)


def _soft404_page() -> Page:
    html = env().get_template("plain.html.j2").render(
        title="页面不存在", paragraphs=["对不起，您访问的页面不存在或已被删除！",
                                    "请检查网址是否正确，或返回首页浏览其他内容。"],
        links=[("返回首页", "/")])
    return Page(html.encode("utf-8"), "text/html; charset=utf-8")


PLUGIN = KindPlugin("links", kinds=CLASSES, plant=plant)
