"""The automatic re-check (rectify/recheck.py) against a served demo network: a unit marks an
item 已整改, the platform fetches the page(s) again with the collector and re-runs the rule;
with the demo's fix switch on the problem is gone (已核验), without it the item comes back
(未通过). Rules that need more than the pages say 待人工核验; a site that cannot be fetched
gives 复查未完成; nothing is pretended."""

from __future__ import annotations

import dataclasses

import pytest
from recheck_scenario import crawl, published_round

from govinspect.demo.network import build_network
from govinspect.demo.server import choose_port, serve_network
from govinspect.web.accounts.scope import Scope
from govinspect.web.rectify.models import AuditEntry, ItemState, RecheckOutcome
from govinspect.web.rectify.recheck import plan, recheck_item
from govinspect.web.rectify.services import transition

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    net = build_network(seed=20220630, sites=1, scale=0.1, port=choose_port(), faults=False)
    with serve_network(net) as server:
        yield crawl(tmp_path_factory.mktemp("recheck"), net, server)


def _mark_fixed(world, item, note="已整改"):
    transition(Scope.for_user(world.unit_user), item, ItemState.FIXED, note)


def _typo_item(world, crawled):
    """The GI-T001 item whose pages carry the planted 错别字 (typo), and those entries."""
    typos = crawled.net.manifest.select(kind="typo")
    for item in world.round.rectification_items.filter(site=world.site, rule_id="GI-T001"):
        entries = [e for e in typos if e["url"] in item.pages]
        if entries and len(item.pages) == len({e["url"] for e in entries}):
            return item, entries
    raise AssertionError([(i.item, i.pages) for i in world.round.rectification_items.filter(
        rule_id="GI-T001")])


def _homepage_dead_links(crawled):
    return [e for e in crawled.net.manifest
            if e.get("on_homepage") and e["kind"].startswith("dead_link")]


def test_fixed_broken_links_are_verified_and_unfixed_text_comes_back(crawled):
    world = published_round(crawled)
    homepage_item, (typo, _) = world.item("GI-L001", item="homepage"), _typo_item(world, crawled)
    assert plan(homepage_item).urls == (world.site.homepage,)
    assert plan(typo).urls
    _mark_fixed(world, homepage_item, "已删除首页失效链接")
    _mark_fixed(world, typo, "已更正错别字")
    crawled.server.fix(*_homepage_dead_links(crawled))
    try:
        done = recheck_item(homepage_item, crawled.options)
        again = recheck_item(typo, crawled.options)
    finally:
        crawled.server.unfix()
    homepage_item.refresh_from_db()
    typo.refresh_from_db()
    assert done.outcome == RecheckOutcome.VERIFIED, done.note
    assert homepage_item.state == ItemState.VERIFIED
    pages = [p for p in done.pages if not p.get("target")]
    assert pages and all(p["status"] == 200 and p["ref"] for p in pages)
    entry = done.entry
    assert entry.actor is None and entry.actor_name == "平台自动复查"
    assert (entry.from_state, entry.to_state) == (ItemState.FIXED, ItemState.VERIFIED)
    assert "均未再发现" in entry.reason

    assert again.outcome == RecheckOutcome.FAILED, again.note
    assert typo.state == ItemState.FAILED
    assert again.remaining and set(r["fingerprint"] for r in again.remaining) <= set(
        typo.fingerprints)
    assert "仍存在" in again.entry.reason
    assert AuditEntry.objects.filter(item=typo).count() == 3  # published, fixed, 未通过


def test_unfixed_links_fail_and_a_fixed_typo_is_verified(crawled):
    """The same two rules the other way round: the outcome follows the served pages."""
    world = published_round(crawled, "b")
    homepage_item = world.item("GI-L001", item="homepage")
    typo, typos = _typo_item(world, crawled)
    _mark_fixed(world, homepage_item)
    _mark_fixed(world, typo)
    crawled.server.fix(*typos)
    try:
        failed = recheck_item(homepage_item, crawled.options)
        verified = recheck_item(typo, crawled.options)
    finally:
        crawled.server.unfix()
    assert failed.outcome == RecheckOutcome.FAILED, failed.note
    assert len(failed.remaining) == len(homepage_item.fingerprints)
    assert verified.outcome == RecheckOutcome.VERIFIED, verified.note


def test_rules_that_need_more_than_a_page_wait_for_a_person(crawled, client):
    world = published_round(crawled, "c")
    stale = world.round.rectification_items.filter(rule_id__startswith="GI-C").first()
    assert stale is not None
    _mark_fixed(world, stale)
    result = recheck_item(stale, crawled.options)
    stale.refresh_from_db()
    assert result.outcome == RecheckOutcome.MANUAL and "不能只凭" in result.note
    assert stale.state == ItemState.FIXED and result.entry is None
    # said on the item and in the lists, for the unit and for the inspectors
    for user in (world.unit_user, world.inspector):
        client.force_login(user)
        listing = client.get("/rectification/?state=已整改").content.decode()
        assert "自动复查：待人工核验" in listing
        page = client.get(f"/rectification/{stale.pk}/").content.decode()
        assert "待人工核验" in page and "不能只凭" in page


def test_a_site_that_cannot_be_fetched_leaves_the_item_to_a_person(crawled):
    world = published_round(crawled, "d")
    typo, _ = _typo_item(world, crawled)
    _mark_fixed(world, typo)
    # the site's address where nothing listens: the connection is refused
    nowhere = dataclasses.replace(crawled.options,
                                  resolve={h: "127.0.0.254" for h in crawled.options.resolve})
    result = recheck_item(typo, nowhere)
    typo.refresh_from_db()
    assert result.outcome == RecheckOutcome.INCOMPLETE, result.note
    assert typo.state == ItemState.FIXED and result.entry is None
    assert "重新抓取失败" in result.note



@pytest.mark.django_db(transaction=True)
def test_submitted_in_a_thread_the_recheck_finishes_by_itself(settings):
    """The default runner (a thread of the web process) records 复查中 at once and finishes
    on its own; an account's item waits for a person (no fetch)."""
    import threading

    from workspace_scenario import build

    from govinspect.web.rectify.models import Recheck
    from govinspect.web.rectify.recheck import submit_recheck

    settings.GOVINSPECT_RECHECK = "thread"
    w = build()
    item = w.items["B-account"]
    transition(Scope.for_user(w.users["B"]), item, ItemState.FIXED, "已恢复更新")
    started = submit_recheck(item)
    assert started.outcome == RecheckOutcome.RUNNING
    for thread in threading.enumerate():
        if thread.name == f"govinspect-recheck-{started.pk}":
            thread.join(timeout=120)
    done = Recheck.objects.get(pk=started.pk)
    assert done.outcome == RecheckOutcome.MANUAL and "政务新媒体" in done.note
    assert done.finished is not None


def test_a_fetch_that_runs_out_of_time_leaves_the_item_to_a_person(monkeypatch):
    """The collector's process killed at the bound: 复查未完成, nothing moves."""
    import subprocess

    from workspace_scenario import build

    from govinspect.web.rectify import recheck

    def too_slow(sites, out_dir, options, timeout=None):
        raise subprocess.TimeoutExpired("govinspect.collect", timeout)

    monkeypatch.setattr(recheck, "collect_sites_subprocess", too_slow)
    w = build()
    item = w.items["A"]
    transition(Scope.for_user(w.users["A"]), item, ItemState.FIXED, "已删除失效链接")
    result = recheck_item(item)
    item.refresh_from_db()
    assert result.outcome == RecheckOutcome.INCOMPLETE and "未完成" in result.note
    assert item.state == ItemState.FIXED and result.entry is None


def test_a_task_queue_gets_the_item_and_runs_the_recorded_recheck(
        settings, django_capture_on_commit_callbacks):
    """``GOVINSPECT_RECHECK`` naming a callable (the task queue's enqueue): it is called with
    the item after the commit; the worker's ``recheck_item`` then runs the 复查中 re-check
    recorded at submission, not a second one."""
    import recheck_scenario
    from workspace_scenario import build

    from govinspect.web.rectify.recheck import submit_recheck

    settings.GOVINSPECT_RECHECK = "recheck_scenario:record_submission"
    w = build()
    item = w.items["B-account"]
    transition(Scope.for_user(w.users["B"]), item, ItemState.FIXED, "已恢复更新")
    recheck_scenario.SUBMITTED.clear()
    with django_capture_on_commit_callbacks(execute=True):
        started = submit_recheck(item)
    assert recheck_scenario.SUBMITTED == [item.pk]
    assert started.outcome == RecheckOutcome.RUNNING
    done = recheck_item(recheck_scenario.SUBMITTED[0])  # what the worker's task does
    assert done.pk == started.pk and done.outcome == RecheckOutcome.MANUAL
    assert item.rechecks.count() == 1
