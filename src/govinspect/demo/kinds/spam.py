"""Dark links (W-V1): a hidden block of gambling links on one homepage. The entry's text is the
block's raw HTML, read from the rendered homepage."""

from __future__ import annotations

import random

from govinspect.demo.kinds.base import KindPlugin
from govinspect.demo.model import origin
from govinspect.demo.plan import PlanBuilder
from govinspect.demo.roster import SPAM_HOSTS

WORDS = ("永利娱乐", "体育投注", "真人娱乐")  # one per SPAM_HOSTS host


def links(b: PlanBuilder) -> list[tuple[str, str]]:
    """(text, url) of the hidden links (the homepage template renders them)."""
    return [(w, origin(h, b.port) + "/") for w, h in zip(WORDS, SPAM_HOSTS, strict=True)]


def plant(b: PlanBuilder, rng: random.Random) -> None:
    plan = b.slot(b.spam_site)
    plan.spam = True
    b.entry("hidden_spam_links", "W-V1", plan, plan.site.homepage, text="")


def locate(b: PlanBuilder, rng: random.Random) -> None:
    for e in b.manifest:
        if e["kind"] != "hidden_spam_links":
            continue
        host = next(p.site.host for p in b.plans if p.site.code == e["site"])
        html = b.pages[(host, "/")].text()
        start = html.index('<div style="display:none')
        end = html.index("</div>", start) + len("</div>")
        e["text"] = html[start:end]
        e["span"] = {"start": start, "end": end}
        e["links"] = [u for _, u in links(b)]


PLUGIN = KindPlugin("spam", kinds=("hidden_spam_links",), plant=plant, after_render=locate)
