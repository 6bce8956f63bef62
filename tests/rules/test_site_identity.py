"""Identity and design rules: domain, footer items, 找错 entry, meta tags."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from pathlib import Path

import pytest

from govinspect.core.indicator_sets import load_indicator_set
from govinspect.core.types import SiteKind, SiteRef
from govinspect.demo.network import build_network
from govinspect.extract import extract_page
from govinspect.rules.analyse import RoundContext, SiteInput
from govinspect.rules.site_identity import domain_rules, footer_items, jiucuo_entry, meta_tags

T = datetime.fromisoformat("2022-06-30T17:00:00+08:00")
REAL = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "realpages"


@pytest.fixture(scope="module")
def ctx() -> RoundContext:
    return RoundContext(T, load_indicator_set("national-2019"), "2022Q2",
                        portal_hosts=("www.shishi.gov.cn",))


@pytest.fixture(scope="module")
def demo():
    """A demo site without planted identity problems (pages with planted tag gaps left out)."""
    net = build_network(sites=6, scale=0.2, faults=False)
    planted = {e["site"] for e in net.manifest
               if e["kind"] in ("footer_missing_item", "jiucuo_missing")
               or (e["kind"] == "meta_tags_missing" and e["scope"] == "site")}
    lacking_tags = {e["url"] for e in net.manifest if e["kind"] == "meta_tags_missing"}
    s = next(x for x in net.sites if x.code not in planted)
    ref = SiteRef(s.code, s.name, s.homepage, s.kind, s.hosts)
    pages = [extract_page(pg.body, net.url(h, p), "2022-06-30T09:00:00Z")
             for (h, p), pg in sorted(net.pages.items())
             if h == s.host and "html" in pg.content_type and pg.status == 200
             and net.url(h, p) not in lacking_tags]
    return ref, pages


def strip(page, **footer):
    return dataclasses.replace(page, footer=dataclasses.replace(page.footer, **footer))


def test_domain(ctx):
    ok = SiteRef("3411000002", "发改委", "http://fgw.shishi.gov.cn/", SiteKind.DEPARTMENT)
    assert domain_rules(SiteInput(ok), ctx) == []
    bad = SiteRef("3411000040", "公积金中心", "http://www.ssgjj.com/", SiteKind.DEPARTMENT)
    (f,) = domain_rules(SiteInput(bad), ctx)
    assert (f.rule_id, f.indicator_id, f.item) == ("GI-W001", "W-D20", "bad_domain")
    other = SiteRef("3411000041", "某局", "http://www.other.gov.cn/", SiteKind.DEPARTMENT)
    assert domain_rules(SiteInput(other), ctx)  # not under the portal's domain
    portal = SiteRef("3411000001", "门户", "http://shishi.gov.cn/", SiteKind.PORTAL)
    assert domain_rules(SiteInput(portal), ctx)


def test_footer_items_clean_demo_site(demo, ctx):
    ref, pages = demo
    assert footer_items(SiteInput(ref, pages=pages), ctx) == []
    assert jiucuo_entry(SiteInput(ref, pages=pages), ctx) == []


def test_footer_item_missing_is_one_finding_per_item(demo, ctx):
    ref, pages = demo
    broken = [strip(p, icp=None, psb=None) for p in pages]
    found = footer_items(SiteInput(ref, pages=broken), ctx)
    assert sorted(f.details["footer_item"] for f in found) == ["ICP备案编号", "公安机关备案标识"]
    assert {f.evidence.url for f in found} == {ref.homepage}
    assert all(f.item == "missing_item" for f in found)
    # each missing item is its own finding: distinct fingerprints (a shared one would let the
    # store keep only the first)
    assert len({f.fingerprint for f in found}) == 2


def test_jiucuo_missing_on_homepage_and_others(demo, ctx):
    ref, pages = demo
    found = jiucuo_entry(SiteInput(ref, pages=[strip(p, zhaocuo=False) for p in pages]), ctx)
    items = [f.item for f in found]
    assert items.count("homepage_missing") == 1 and items.count("other_missing") >= 5


def test_meta_tags_sample_is_deterministic_and_flags_missing(demo, ctx):
    ref, pages = demo
    assert [f for f in meta_tags(SiteInput(ref, pages=pages), ctx)
            if f.item != "outside_sample"] == []
    articles = [p for p in pages if "/t2022" in p.url]
    victim = articles[0].url
    stripped = [dataclasses.replace(p, meta={k: v for k, v in p.meta.items()
                                            if k not in ("ArticleTitle", "PubDate",
                                                         "ContentSource")})
                if p.url == victim else p for p in pages]
    found = meta_tags(SiteInput(ref, pages=stripped), ctx)
    assert [(f.evidence.url, f.details["missing"]) for f in found] == [(victim, ["内容标签"])]
    again = meta_tags(SiteInput(ref, pages=stripped), ctx)
    assert found[0].details["sample_content"] == again[0].details["sample_content"]
    assert len(found[0].details["sample_content"]) == 5
    no_meta = [dataclasses.replace(p, meta={}) for p in pages]
    (site_wide,) = meta_tags(SiteInput(ref, pages=no_meta), ctx)
    assert site_wide.item == "all_pages" and site_wide.evidence.url == ref.homepage


@pytest.mark.skipif(not REAL.is_dir(), reason="real pages not available")
def test_real_pingtan_pages_have_complete_footers(ctx):
    import json
    labels = [json.loads(x) for x in (REAL / "labels.jsonl").read_text().splitlines() if x]
    pages = [extract_page((REAL / "pages" / f"{x['id']}.html").read_bytes(), x["url"],
                          "2026-11-01T00:00:00Z")
             for x in labels if x["id"].startswith("pt-") and x["url"]]
    pt = SiteRef("3590000001", "平潭综合实验区", "https://www.pingtan.gov.cn/", SiteKind.PORTAL,
                 ("www.pingtan.gov.cn",))
    data = SiteInput(pt, pages=pages)
    assert footer_items(data, ctx) == [] and jiucuo_entry(data, ctx) == []
    assert domain_rules(data, ctx) == []
    assert [f for f in meta_tags(data, ctx) if f.details.get("sampled")] == []
