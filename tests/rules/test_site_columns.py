"""Column rules: homepage update, stale / blank columns, required columns, 办事统计, 数据发布."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from govinspect.core.indicator_sets import load_indicator_set
from govinspect.core.types import SiteKind, SiteRef
from govinspect.extract import extract_page
from govinspect.extract.site_tree import column_tree
from govinspect.rules.analyse import RoundContext, SiteInput
from govinspect.rules.site_columns import (
    check_columns,
    data_release,
    homepage_update,
    missing_columns,
    service_stats,
)

T = datetime.fromisoformat("2022-06-30T17:00:00+08:00")
HOST = "http://fgw.example.gov.cn"
SITE = SiteRef("3411000002", "示例市发展和改革委员会", HOST + "/", SiteKind.DEPARTMENT,
               ("fgw.example.gov.cn",))
REAL = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "realpages"


@pytest.fixture(scope="module")
def ctx() -> RoundContext:
    return RoundContext(T, load_indicator_set("national-2019"), "2022Q2")


def list_page(path: str, crumb: str, rows: list[tuple[str, str]], empty: str | None = None,
              meta_column: str | None = None) -> bytes:
    items = "".join(f'<li><a href="{path}202206/t{d.replace("-", "")}_{i}.html">{title}</a>'
                    f"<span>{d}</span></li>" for i, (title, d) in enumerate(rows))
    body = f"<ul class=\"list\">{items}</ul>" if rows else f"<div class=\"list\"><p>{empty or ''}</p></div>"
    meta = f'<meta name="ColumnName" content="{meta_column or crumb}">'
    return (f"<html><head><meta charset=\"utf-8\"><title>{crumb}_示例市发展和改革委员会</title>"
            f'<meta name="SiteName" content="示例市发展和改革委员会">{meta}</head><body>'
            f'<div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a>'
            f" &gt; <span>{crumb}</span></div><h2>{crumb}</h2>{body}"
            "<footer>主办单位：示例市发展和改革委员会 网站标识码：3411000002</footer>"
            "</body></html>").encode()


def facts(path: str, body: bytes):
    return extract_page(body, HOST + path, "2022-06-30T09:00:00Z")


def site(*pages) -> SiteInput:
    return SiteInput(SITE, pages=list(pages))


FRESH_NEWS = [("示例市召开安全生产工作会议", "2022-06-28"), ("部署防汛工作", "2022-06-20")]
OLD_NEWS = [("示例市召开安全生产工作会议", "2022-05-15"), ("部署防汛工作", "2022-05-02")]


def test_stale_news_column_counts_for_veto_and_wd4(ctx):
    data = site(facts("/xwzx/gzdt/", list_page("/xwzx/gzdt/", "工作动态", OLD_NEWS)))
    found = check_columns(data, ctx)
    assert {(f.rule_id, f.indicator_id, f.item) for f in found} == {
        ("GI-C001", "W-V4", "stale_key_column"), ("GI-C001", "W-D4", "stale")}
    assert all(f.details["column"] == HOST + "/xwzx/gzdt/" for f in found)
    assert found[0].details["latest"] == "2022-05-15"


def test_fresh_news_column_and_pagination_pages_form_one_column(ctx):
    first = facts("/xwzx/gzdt/index.html", list_page("/xwzx/gzdt/", "工作动态", FRESH_NEWS))
    second = facts("/xwzx/gzdt/index_1.html", list_page("/xwzx/gzdt/", "工作动态", OLD_NEWS))
    data = site(first, second)
    assert check_columns(data, ctx) == []
    (col,) = column_tree(data.pages, SITE)
    assert col.url == HOST + "/xwzx/gzdt/" and col.newest == "2022-06-28"
    assert len(col.pages) == 2


def test_window_comes_from_the_indicator_set(ctx):
    import dataclasses
    iset = ctx.indicator_set
    longer = dataclasses.replace(iset, indicators={
        **iset.indicators, "W-D4": {**iset.indicators["W-D4"], "window": {"days": 90}}})
    data = site(facts("/xwzx/gzdt/", list_page("/xwzx/gzdt/", "工作动态", OLD_NEWS)))
    assert check_columns(data, dataclasses.replace(ctx, indicator_set=longer)) == []


def test_stale_policy_and_longterm_columns(ctx):
    policy = facts("/zwgk/zcwj/", list_page("/zwgk/zcwj/", "政策文件",
                                              [("关于印发…的通知", "2021-09-30")]))
    personnel = facts("/zwgk/rsxx/", list_page("/zwgk/rsxx/", "人事信息",
                                                 [("任前公示", "2021-03-21")]))
    plan_ok = facts("/zwgk/ghjh/", list_page("/zwgk/ghjh/", "规划计划",
                                               [("2022年工作计划", "2021-12-30")]))
    found = check_columns(site(policy, personnel, plan_ok), ctx)
    by_rule = {(f.rule_id, f.indicator_id) for f in found}
    assert by_rule == {("GI-C003", "W-V4"), ("GI-C003", "W-D5"), ("GI-C005", "W-V4"),
                       ("GI-C005", "W-D9")}


def test_blank_columns_and_static_pages(ctx):
    placeholder = facts("/hdjl/zxft/", list_page("/hdjl/zxft/", "在线访谈", [], "暂无信息"))
    empty = facts("/zwgk/ghjh/", list_page("/zwgk/ghjh/", "规划计划", []))
    static = facts("/zwgk/gkxx/", list_page("/zwgk/gkxx/", "概况信息", []))
    found = check_columns(site(placeholder, empty, static), ctx)
    blank = {f.evidence.url: f.details["blank"] for f in found if f.indicator_id == "W-V4"}
    assert blank == {HOST + "/hdjl/zxft/": "placeholder", HOST + "/zwgk/ghjh/": "empty"}
    assert {f.item for f in found if f.indicator_id == "W-D9"} == {"blank"}


def test_channel_pages_are_not_judged(ctx):
    channel = facts("/xwzx/", list_page("/xwzx/", "新闻中心", OLD_NEWS, meta_column="新闻中心"))
    child = facts("/xwzx/gzdt/", list_page("/xwzx/gzdt/", "工作动态", OLD_NEWS))
    found = check_columns(site(channel, child), ctx)
    assert {f.evidence.url for f in found} == {HOST + "/xwzx/gzdt/"}


def home_page(rows: list[tuple[str, str]]) -> bytes:
    items = "".join(f'<li><a href="/xwzx/zwyw/202206/t{d.replace("-", "")}_{i}.html">{t}</a>'
                    f"<span>{d}</span></li>" for i, (t, d) in enumerate(rows))
    return (f'<html><head><meta charset="utf-8"><title>示例市发展和改革委员会</title></head>'
            f'<body><ul class="news">{items}</ul><li><a href="/zwgk/">政务公开</a></li>'
            "</body></html>").encode()


def test_homepage_update(ctx):
    stale = site(facts("/", home_page(OLD_NEWS)))
    (f,) = homepage_update(stale, ctx)
    assert (f.rule_id, f.indicator_id, f.details["latest"]) == ("GI-H001", "W-V3", "2022-05-15")
    assert homepage_update(site(facts("/", home_page(FRESH_NEWS))), ctx) == []


def test_service_stats_windows(ctx):
    def stats(d):
        return facts("/bsfw/bstj/", list_page("/bsfw/bstj/", "办事统计", [("办件统计", d)]))
    pad = [facts(f"/x/{i}/", b"<html><body>x</body></html>") for i in range(10)]
    assert [f.item for f in service_stats(site(stats("2022-05-10"), *pad), ctx)] == [
        "stale_1_month"]
    assert [f.item for f in service_stats(site(stats("2021-12-31"), *pad), ctx)] == [
        "stale_3_months"]
    assert service_stats(site(stats("2022-06-25"), *pad), ctx) == []


PORTAL = SiteRef("3411000001", "示例市人民政府", HOST + "/", SiteKind.PORTAL, ("fgw.example.gov.cn",))


def data_page(rows, path="/zwgk/sjfb/", crumb="数据发布"):
    return facts(path, list_page(path, crumb, rows))


def portal(*pages) -> SiteInput:
    return SiteInput(PORTAL, pages=list(pages))


def test_data_release_bonus_windows(ctx):
    fresh = data_release(portal(data_page([("2022年5月示例市主要统计数据", "2022-06-15"),
                                         ("2022年4月示例市主要统计数据", "2022-05-16")])), ctx)
    assert [(f.rule_id, f.indicator_id, f.item) for f in fresh] == [
        ("GI-B001", "W-B1", "updated_3_months")]
    (f,) = fresh
    assert f.evidence.url == HOST + "/zwgk/sjfb/" and f.details["latest"] == "2022-06-15"
    assert f.message == "数据发布栏目“数据发布”近3个月内有更新（最新 2022-06-15），可加2分"
    older = data_release(portal(data_page([("2022年1月示例市主要统计数据", "2022-02-14")])), ctx)
    assert [f.item for f in older] == ["updated_6_months"]
    assert "可加1分" in older[0].message


def test_data_release_nothing_when_old_or_absent(ctx):
    old = data_page([("2021年11月示例市主要统计数据", "2021-12-10")])
    assert data_release(portal(old), ctx) == []
    news = facts("/xwzx/gzdt/", list_page("/xwzx/gzdt/", "工作动态", FRESH_NEWS))
    pad = [facts(f"/x/{i}/", b"<html><body>x</body></html>") for i in range(10)]
    assert data_release(portal(news, *pad), ctx) == []  # no 数据发布 column: no finding at all
    # 加分指标 apply to government portals only: a department's fresh column earns nothing
    fresh = data_page([("2022年5月示例市主要统计数据", "2022-06-15")])
    assert data_release(site(fresh), ctx) == []


def test_data_release_visualised_is_suspected(ctx):
    from govinspect.core.types import Confidence

    page = data_page([("一图读懂2022年5月示例市经济运行情况", "2022-06-15"),
                      ("2022年4月示例市主要统计数据", "2022-05-16")], crumb="统计数据")
    found = {f.item: f for f in data_release(portal(page), ctx)}
    assert set(found) == {"updated_3_months", "visualised"}
    vis = found["visualised"]
    assert vis.confidence == Confidence.SUSPECTED
    assert vis.details["column"] == HOST + "/zwgk/sjfb/"
    assert vis.evidence.url.startswith(HOST + "/zwgk/sjfb/202206/")
    # a chart title older than 6 months, or a plain title, is no evidence of charts
    old_chart = data_page([("2022年5月示例市主要统计数据", "2022-06-15"),
                           ("图解2021年示例市经济运行情况", "2021-11-20")])
    assert [f.item for f in data_release(portal(old_chart), ctx)] == ["updated_3_months"]


def test_missing_columns_only_after_a_real_crawl(ctx):
    news = facts("/xwzx/gzdt/", list_page("/xwzx/gzdt/", "工作动态", FRESH_NEWS))
    assert missing_columns(site(news), ctx) == []  # too few pages to judge absence
    pad = [facts(f"/x/{i}/", b"<html><body>x</body></html>") for i in range(10)]
    found = missing_columns(site(news, *pad), ctx)
    assert "W-D4" not in {f.indicator_id for f in found}
    assert {"W-D1", "W-D2", "W-D3", "W-D5", "W-D6"} <= {f.indicator_id for f in found}


@pytest.mark.skipif(not REAL.is_dir(), reason="real pages not available")
def test_real_list_pages_are_not_blank_and_dated(ctx):
    import json
    labels = [json.loads(x) for x in (REAL / "labels.jsonl").read_text().splitlines() if x]
    pages = [extract_page((REAL / "pages" / f"{x['id']}.html").read_bytes(), x["url"],
                          "2026-11-01T00:00:00Z")
             for x in labels if x["id"].startswith("pt-") and x["url"]]
    pt = SiteRef("3590000001", "平潭综合实验区", "https://www.pingtan.gov.cn/", SiteKind.PORTAL,
                 ("www.pingtan.gov.cn",))
    cols = column_tree(pages, pt)
    assert len(cols) >= 10 and not [c for c in cols if c.blank]
    t = RoundContext(datetime.fromisoformat("2026-11-01T00:00:00+08:00"),
                     ctx.indicator_set, "real")
    found = check_columns(SiteInput(pt, pages=pages), t)
    assert not [f for f in found if f.rule_id == "GI-C006"]
    # the 公示公告 list's newest item is 2026-09-10: fresh for the 6-month window
    assert "https://www.pingtan.gov.cn/zwgk/gsgg/" not in {f.evidence.url for f in found}
