"""The site search probe (W-D25) in a real collect run against the demo network served on
127.0.0.x: what search.jsonl records per site, and that the rules then find exactly the
planted search problems (precision and recall 100 % on this network)."""

from __future__ import annotations

import dataclasses
import json
import shutil
from pathlib import Path

import pytest

from govinspect.collect.crawl import CollectOptions, collect_sites_subprocess
from govinspect.collect.store import read_captures, read_search, read_search_facts
from govinspect.core.indicator_sets import load_indicator_set
from govinspect.core.types import SiteKind, SiteRef
from govinspect.demo.network import build_network
from govinspect.demo.server import choose_port, serve_network
from govinspect.eval.demo import load_kinds, match
from govinspect.rules.site_search import check_search

KINDS = ("search_missing", "search_broken", "search_misses_titles", "search_uncategorised",
         "search_lookalike")


@pytest.fixture(scope="module")
def collected(tmp_path_factory):
    """6 sites: the portal, one site of each planted kind and the look-alike."""
    net = build_network(sites=6, scale=0.2, port=choose_port(), faults=False)
    sites = [SiteRef(s.code, s.name, s.homepage, SiteKind(s.kind), tuple(s.hosts))
             for s in net.sites]
    out = tmp_path_factory.mktemp("search") / "collect"
    with serve_network(net) as server:
        options = CollectOptions(resolve=dict(server.resolve), allow_private=True,
                                 download_delay=0.0, autothrottle=False, obey_robots=False,
                                 probe_transport=False, sample_seed="2022Q2", retry_times=0)
        collect_sites_subprocess(sites, out, options, timeout=300)
    return net, sites, out


def _planted(net) -> dict[str, str]:
    return {e["site"]: e["kind"] for e in net.manifest.select(indicator="W-D25", negative=None)}


def test_every_kind_is_planted_once(collected):
    net, _sites, _out = collected
    assert sorted(_planted(net).values()) == sorted(KINDS)
    assert net.sites[0].code not in _planted(net)  # the portal's search works


def test_search_jsonl_records_what_the_results_pages_show(collected):
    net, sites, out = collected
    rows = read_search(out)
    assert set(rows) == {s.code for s in sites}
    planted = _planted(net)
    captured = {c.url for c in read_captures(out)}
    for code, row in rows.items():
        kind = planted.get(code, "healthy")
        queries = row["queries"]
        assert row["seed"] == f"2022Q2:{code}:W-D25"
        if kind == "search_missing":
            assert row["form_found"] is False and queries == []
            continue
        assert row["form_found"] is True and row["form"]["action"].startswith("http://")
        assert len(queries) == 4 and row["candidates"] >= 4, row
        assert len({q["title"] for q in queries}) == 4
        assert all(q["page_url"] in captured for q in queries)
        found = [q["found"] for q in queries]
        if kind == "search_broken":
            entry = net.manifest.select(kind=kind, site=code)[0]
            if entry["failure"] == "http_500":
                assert {q["status"] for q in queries} == {500}
            assert not any(found)
        elif kind == "search_misses_titles":
            assert not all(found), row
        elif kind == "search_uncategorised":
            assert all(found) and not any(q["categorised"] for q in queries)
        else:  # healthy and the look-alike
            assert all(found) and all(q["categorised"] for q in queries), (kind, row)
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    home = summary["sites"][sites[0].code]["search"]
    assert home == {"form_found": True, "searched": 4, "found": 4, "categorised": True}


def test_the_rules_find_exactly_the_planted_search_problems(collected):
    net, sites, out = collected
    iset = load_indicator_set("national-2019")
    facts = read_search_facts(out)
    findings = [{"rule": f.rule_id, "site": f.subject, "url": f.evidence.url,
                 "parent_url": f.evidence.parent_url, "details": f.details}
                for s in sites for f in check_search(s, facts[s.code], iset)]
    entries = net.manifest.select(indicator="W-D25", negative=None)
    kinds = {k: v for k, v in load_kinds().items() if k in KINDS}
    result = match(entries, findings, kinds)
    for k in result.kinds:
        assert k.planted == 1 and k.fp == 0, k
        assert k.negative or (k.tp, k.fn) == (1, 0), k
    for r in result.rules:
        assert r.matched == r.findings and r.fp == 0, r
    assert {r.rule for r in result.rules if r.findings} >= {"GI-R001", "GI-R003"}


def test_the_probe_can_run_again_and_draws_the_same_titles(collected, tmp_path: Path):
    """search.jsonl is written whole (a crash leaves none); run again from the captures, it
    draws the same titles — and another round draws others."""
    from govinspect.collect.search_probe import write_search

    net, sites, out = collected
    copy = tmp_path / "collect"
    shutil.copytree(out, copy)
    (copy / "search.jsonl").unlink()
    rows = [json.loads(line) for line in (copy / "captures.jsonl").open(encoding="utf-8")]
    with serve_network(net) as server:
        options = CollectOptions(resolve=dict(server.resolve), allow_private=True,
                                 sample_seed="2022Q2", download_delay=0.0, retry_times=0)
        again = write_search(copy, sites[:2], options, rows)
        other = write_search(copy, sites[:1], dataclasses.replace(options, sample_seed="2022Q3"),
                             rows)
    assert not (copy / "search.jsonl.part").exists()
    first = read_search(out)
    for code, row in again.items():
        assert [q["title"] for q in row["queries"]] == [q["title"] for q in first[code]["queries"]]
    code = sites[0].code
    assert [q["title"] for q in other[code]["queries"]] != \
        [q["title"] for q in first[code]["queries"]]
    assert set(read_search(copy)) == {code}
