"""Shared helper for the site-rule tests: the demo network as SiteInputs (no crawl)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from functools import lru_cache

from govinspect.core.indicator_sets import load_indicator_set
from govinspect.core.types import SiteKind, SiteRef
from govinspect.demo.network import build_network
from govinspect.extract import extract_page
from govinspect.rules.analyse import RoundContext, SiteInput
from govinspect.rules.site_interaction import completed

T = dt.datetime.fromisoformat("2022-06-30T17:00:00+08:00")


def ctx(t: dt.datetime = T, name: str = "2022Q2") -> RoundContext:
    return RoundContext(t, load_indicator_set("national-2019"), name)


def site_ref(code="3411000002", kind=SiteKind.DEPARTMENT, home="http://fgw.shishi.gov.cn/"):
    return SiteRef(code, "示例市发展和改革委员会", home, kind, ("fgw.shishi.gov.cn",))


def site_input(pages: list[tuple[str, bytes]], site: SiteRef | None = None) -> SiteInput:
    data = SiteInput(site or site_ref())
    for url, body in pages:
        facts = completed(extract_page(body, url, "2022-06-30T08:00:00Z"), body)
        data.pages.append(dataclasses.replace(facts, main_text=""))
    return data


@lru_cache(maxsize=1)
def demo(sites: int = 8, scale: float = 0.2):
    """(manifest, {code: SiteInput}, {url: body}) of a small fault-free demo network."""
    net = build_network(sites=sites, scale=scale, faults=False)
    refs = {s.code: SiteRef(s.code, s.name, s.homepage, SiteKind(s.kind), tuple(s.hosts))
            for s in net.sites}
    host2code = {h: s.code for s in net.sites for h in s.hosts}
    port = "" if net.port == 80 else f":{net.port}"
    inputs = {code: SiteInput(ref) for code, ref in refs.items()}
    bodies = {}
    for (host, path), page in sorted(net.pages.items()):
        if host not in host2code or not page.content_type.startswith("text/html"):
            continue
        url = f"http://{host}{port}{path}"
        bodies[url] = page.body
        facts = completed(extract_page(page.body, url, "2022-06-30T08:00:00Z"), page.body)
        inputs[host2code[host]].pages.append(facts)
    return net.manifest, inputs, bodies
