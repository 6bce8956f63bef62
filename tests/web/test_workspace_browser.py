"""The workspace in a real browser: Playwright driving Debian's Chromium (/usr/bin/chromium,
never a downloaded browser) against pytest-django's live server.

- a 填报单位 user signs in, sees only its own items and scores, marks an item 已整改 with a
  note and a file, and finds the change in the item's audit trail;
- an inspector opens a finding's evidence: the captured page replays in a sandboxed frame with
  the offending text marked, no script runs and no request leaves the workspace;
- an inspector dismisses a finding and confirms a 疑似 one from the review queue; the site's
  score follows.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]

pytestmark = [
    pytest.mark.skipif(not CHROMIUM.exists(),
                       reason="Debian's chromium is not installed (/usr/bin/chromium); "
                              "`apt-get install chromium` (.ci/run does)"),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in this thread while the browser is open;
    # the ORM calls of the tests and of pytest-django's database fixtures are still plain
    # synchronous calls, which Django would otherwise refuse.
    before = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as p:
            chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
            yield chromium
            chromium.close()
    finally:
        if before is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = before


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(locale="zh-CN")
    context.set_default_timeout(60_000)  # a loaded 2-core machine: a generous bound
    pg = context.new_page()
    pg.requests = []
    pg.on("request", lambda r: pg.requests.append(r.url))
    yield pg
    context.close()


def _login(page, base: str, username: str) -> None:
    from workspace_scenario import PASSWORD

    page.goto(base + "/")
    assert "/login/" in page.url
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("#who")


def test_unit_user_sees_only_its_own_list_and_marks_an_item_fixed(page, live_server, tmp_path):
    from workspace_scenario import B_MARKERS, build

    from govinspect.web.rectify.models import ItemState

    w = build()
    base = live_server.url
    _login(page, base, w.users["A"].username)
    assert page.url.endswith("/rectification/")  # a unit's home is its list
    items = page.inner_text("#items")
    assert "甲市审计局网站" in items
    assert not [m for m in B_MARKERS if m in page.content()]
    assert "丙县教育局网站" not in items

    page.click("text=可用性：首页存在不可用链接")
    page.wait_for_selector("#item-state")
    assert page.inner_text("#item-state") == ItemState.OPEN
    proof = tmp_path / "整改截图.png"
    proof.write_bytes(b"\x89PNG\r\n\x1a\n proof")
    page.fill("#transition textarea[name=reason]", "已删除首页失效链接")
    page.set_input_files("#transition input[name=file]", str(proof))
    page.click("#transition button[type=submit]")
    page.wait_for_selector("text=已改为“已整改”")
    assert page.inner_text("#item-state") == ItemState.FIXED
    trail = page.inner_text("#audit")
    assert "待整改 → 已整改" in trail and "已删除首页失效链接" in trail
    with page.expect_download() as download:
        page.click("#audit >> text=下载")
    assert Path(download.value.path()).read_bytes() == proof.read_bytes()
    w.items["A"].refresh_from_db()
    assert w.items["A"].state == ItemState.FIXED

    page.goto(f"{base}/rounds/{w.rounds['cur'].pk}/")
    ranking = page.inner_text("#ranking")
    assert "甲市审计局网站" in ranking and "丙县教育局网站" not in ranking
    assert not [m for m in B_MARKERS if m in page.content()]
    response = page.goto(f"{base}/rectification/{w.items['B'].pk}/")
    assert response.status == 404


def test_inspector_views_evidence_replayed_inert(page, live_server):
    from workspace_scenario import TERM, build

    w = build()
    base = live_server.url
    _login(page, base, w.users["inspector"].username)
    captures = []
    page.on("response", lambda r: captures.append(r) if "/capture/" in r.url else None)
    page.goto(f"{base}/findings/{w.findings['A-term'].pk}/")
    frame = page.frame_locator("#replay")
    hit = frame.locator("mark#govinspect-hit")
    hit.wait_for()
    assert hit.inner_text() == TERM
    assert page.get_attribute("#replay", "sandbox") == ""  # sandboxed: no scripts, no forms
    body = frame.locator("body").inner_text()
    assert "SCRIPT-RAN" not in body and "欢迎使用" in body
    assert frame.locator("a[href]").count() == 0  # links neutralised
    assert "整改建议" in page.inner_text("dl.rule")
    assert captures and "default-src 'none'" in captures[0].headers["content-security-policy"]
    # nothing was requested from the captured page's hosts (its image, stylesheet, frame …)
    outside = [u for u in page.requests if not u.startswith(base) and not u.startswith("data:")]
    assert outside == []

    # a finding about a link: its page replays with the link marked; history across rounds
    page.goto(f"{base}/findings/{w.findings['A-link'].pk}/")
    link = page.frame_locator("#replay").locator("a#govinspect-hit")
    link.wait_for()
    assert link.inner_text() == "办事指南"
    history = page.inner_text("#history")
    assert w.rounds["prev"].name in history and w.rounds["cur"].name in history


def test_inspector_review_changes_the_score(page, live_server):
    from workspace_scenario import build

    w = build(publish=False)
    base = live_server.url
    cur, site = w.rounds["cur"], w.sites["A"]
    _login(page, base, w.users["inspector"].username)
    page.goto(f"{base}/rounds/{cur.pk}/sites/{site.code}/")
    assert page.inner_text("#site-score") == "99.80"

    page.goto(f"{base}/findings/{w.findings['A-link'].pk}/")
    page.select_option("#decide select[name=verdict]", "dismiss")
    page.select_option("#decide select[name=scope]", "finding")
    page.fill("#decide textarea[name=reason]", "人工访问该链接可以打开，属误报")
    page.click("#decide button[type=submit]")
    page.wait_for_selector("text=已排除（误报）")
    assert page.inner_text("#review-state").startswith("已排除")
    page.goto(f"{base}/rounds/{cur.pk}/sites/{site.code}/")
    assert page.inner_text("#site-score") == "100.00"

    # the 疑似 W-V1 term from the review queue, confirmed in bulk: the site is vetoed
    page.goto(f"{base}/rounds/{cur.pk}/review/")
    page.check(f"#pick-{w.findings['A-term'].pk}")
    page.select_option("#bulk select[name=verdict]", "confirm")
    page.fill("#bulk textarea[name=reason]", "确属表述错误")
    page.click("#bulk button[type=submit]")
    page.wait_for_selector("text=已复核")
    page.goto(f"{base}/rounds/{cur.pk}/sites/{site.code}/")
    assert page.inner_text("#site-score") == "不合格"


@pytest.fixture(scope="module")
def demo_crawl(tmp_path_factory):
    """The portal of 示例市 served on 127.0.0.x for the whole module, crawled once."""
    from recheck_scenario import crawl

    from govinspect.demo.network import build_network
    from govinspect.demo.server import choose_port, serve_network

    net = build_network(seed=20220630, sites=1, scale=0.1, port=choose_port(), faults=False)
    with serve_network(net) as server:
        yield crawl(tmp_path_factory.mktemp("demo-crawl"), net, server)


def test_unit_marks_items_fixed_and_the_platform_rechecks_them(page, live_server, demo_crawl,
                                                               settings):
    """Over the demo network: the unit marks two items 已整改; the platform re-fetches their
    pages and re-runs their rules. The homepage's broken links were fixed (the demo's fix
    switch): 已核验. The 错别字 was not: 未通过, back to the unit."""
    from playwright.sync_api import expect
    from recheck_scenario import published_round, write_recheck_options

    from govinspect.web.rectify.models import ItemState

    world = published_round(demo_crawl)
    settings.GOVINSPECT_RECHECK = "sync"  # in the request; the page shows the outcome
    options = write_recheck_options(settings.WORKSPACE, demo_crawl.server)
    links = world.item("GI-L001", item="homepage")
    typos = demo_crawl.net.manifest.select(kind="typo")
    typo = next(i for i in world.round.rectification_items.filter(rule_id="GI-T001")
                if i.pages and all(any(e["url"] == u for e in typos) for u in i.pages))
    demo_crawl.server.fix(*[e for e in demo_crawl.net.manifest
                            if e.get("on_homepage") and e["kind"].startswith("dead_link")])
    base = live_server.url
    try:
        _login(page, base, world.unit_user.username)
        assert world.site.name in page.inner_text("#items")

        page.goto(f"{base}/rectification/{links.pk}/")
        assert page.inner_text("#item-state") == ItemState.OPEN
        assert "平台自动重新抓取问题页面" in page.inner_text("#recheck")
        page.fill("#transition textarea[name=reason]", "已删除首页全部失效链接")
        page.click("#transition button[type=submit]")
        expect(page.locator("#item-state")).to_have_text(ItemState.VERIFIED, timeout=180_000)
        trail = page.inner_text("#audit")
        assert "待整改 → 已整改" in trail and "已整改 → 已核验" in trail
        assert "平台自动复查" in trail and "均未再发现" in trail
        assert page.inner_text("#rechecks .recheck-outcome") == "已核验"
        page.click("#rechecks a")  # the page as fetched again, replayed inert
        frame = page.frame_locator("#recheck-page")
        expect(frame.locator("body")).to_contain_text(world.site.name)
        assert frame.locator("a[href]").count() == 0

        page.goto(f"{base}/rectification/{typo.pk}/")
        page.fill("#transition textarea[name=reason]", "已更正错别字")
        page.click("#transition button[type=submit]")
        expect(page.locator("#item-state")).to_have_text(ItemState.FAILED, timeout=180_000)
        assert "原问题仍存在" in page.inner_text("#audit")
        assert page.inner_text("#rechecks .recheck-outcome") == "未通过"
        # back with the unit: it may mark the item 已整改 again
        assert page.locator("#transition select[name=to_state]").input_value() == ItemState.FIXED
    finally:
        demo_crawl.server.unfix()
        options.unlink()
    links.refresh_from_db()
    typo.refresh_from_db()
    assert (links.state, typo.state) == (ItemState.VERIFIED, ItemState.FAILED)
