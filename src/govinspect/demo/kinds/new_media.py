"""政务新媒体 (issue 9): the 229 roster accounts, their feeds and the inspectors' workbook, with
the account kinds (``demo.accounts`` builds them from its own stream). Planted after the pages
are rendered, so the site pages are the same with or without them and their entries come last."""

from __future__ import annotations

import random

from govinspect.demo.kinds.base import KindPlugin
from govinspect.demo.plan import PlanBuilder


def plant(b: PlanBuilder, rng: random.Random) -> None:
    from govinspect.demo.accounts import FEED_HOST, build_accounts

    b.resolve[FEED_HOST] = f"127.0.0.{b.free_ip}"
    b.free_ip += 1
    media = build_accounts(b.seed, b.t, b.port, b.resolve[FEED_HOST])
    b.pages.update(media.pages)
    b.extend_manifest(media.manifest)
    b.accounts = [a.as_dict() for a in media.accounts]
    b.files.update(media.files)


PLUGIN = KindPlugin(
    "new_media",
    kinds=("nm_not_updated", "nm_not_updated_7d", "nm_zombie", "nm_no_interaction",
           "nm_repost_missed", "nm_low_relevance", "nm_menu_stale", "nm_menu_empty",
           "nm_unfiled", "nm_subject_mismatch", "nm_serious_error"),
    after_render=plant)
