"""A published round over a served demo network (one site, the portal of 示例市), for the
automatic re-check tests: the network is crawled once per test module by the real collector
(``crawled_network``); each test imports the roster, ingests that crawl into a fresh round,
runs the real analysis and publishes it (``published_round``)."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from dataclasses import dataclass
from pathlib import Path

from govinspect.collect.options import CollectOptions

PASSWORD = "test-password-1"


def demo_options(server) -> CollectOptions:
    """The demo network's closed world: its address map, no delay (local servers only)."""
    return CollectOptions(resolve=dict(server.resolve), allow_private=True, download_delay=0.0,
                          autothrottle=False, obey_robots=False, probe_transport=False,
                          probe_search=False, timeout_s=10.0, retry_times=0)


@dataclass
class Crawled:
    net: object
    server: object
    folder: Path  # network/ (roster.csv …)
    collect: Path  # the crawl's output folder

    @property
    def options(self) -> CollectOptions:
        return demo_options(self.server)


def crawl(tmp: Path, net, server) -> Crawled:
    from govinspect.collect.crawl import collect_sites_subprocess
    from govinspect.core.types import SiteRef

    folder = net.write(tmp / "network")
    sites = [SiteRef(s.code, s.name, s.homepage, s.kind, s.hosts) for s in net.sites]
    collect_sites_subprocess(sites, tmp / "collect", demo_options(server), timeout=600)
    return Crawled(net, server, folder, tmp / "collect")


@dataclass
class Published:
    round: object
    site: object
    unit_user: object
    office: object
    inspector: object

    def item(self, rule_id: str, **lookup):
        """The round's one item of ``rule_id`` on the site (``lookup``: e.g. item="homepage")."""
        from govinspect.web.rectify.models import Item

        return Item.objects.get(round=self.round, site=self.site, rule_id=rule_id, **lookup)


def published_round(crawled: Crawled, suffix: str = "") -> Published:
    from govinspect.cli.demo import DEMO_ROUND, DEMO_T
    from govinspect.web.accounts.models import Role
    from govinspect.web.accounts.services import create_user
    from govinspect.web.rectify.services import publish_round
    from govinspect.web.roster.models import Site
    from govinspect.web.roster.services import import_roster
    from govinspect.web.rounds.services import (
        analyse_round,
        create_round,
        ingest_captures,
        round_dir,
    )

    import_roster(crawled.folder / "roster.csv")
    t = dt.datetime.fromisoformat(DEMO_T)
    round_ = create_round(DEMO_ROUND + suffix, t)
    target = round_dir(round_) / "collect"
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(crawled.collect, target)
    ingest_captures(round_)
    analyse_round(round_)
    site = Site.objects.get(code=crawled.net.sites[0].code)
    office = create_user(f"office{suffix}", PASSWORD, Role.OFFICE)
    publish_round(round_, office, t.date() + dt.timedelta(days=14))
    return Published(round_, site,
                     create_user(f"dept{suffix}", PASSWORD, Role.UNIT, units=[site.unit]),
                     office, create_user(f"inspector{suffix}", PASSWORD, Role.INSPECTOR))


def write_recheck_options(workspace: Path, server) -> Path:
    """Point the workspace's re-check at the served demo network (as ``govinspect demo``
    does); remove the file after the test."""
    path = Path(workspace) / "recheck-options.json"
    path.write_text(json.dumps(demo_options(server).to_dict(), ensure_ascii=False),
                    encoding="utf-8")
    return path


SUBMITTED: list[int] = []


def record_submission(item) -> None:
    """A stand-in task queue for ``GOVINSPECT_RECHECK="recheck_scenario:record_submission"``."""
    SUBMITTED.append(item.pk)
