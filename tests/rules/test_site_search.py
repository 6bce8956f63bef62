"""站内搜索 rules (W-D25): GI-R001 no/unusable search, GI-R002 titles not found, GI-R003 results
not categorised — from the SearchFacts the collector records; points from the indicator set."""

from __future__ import annotations

from datetime import datetime

from govinspect.core.indicator_sets import load_indicator_set
from govinspect.core.types import Confidence, SearchFacts, SearchQuery, SiteKind, SiteRef
from govinspect.indicators.engine import score_site
from govinspect.rules.analyse import RoundContext, SiteInput, analyse_round_pages
from govinspect.rules.site_search import check_search, site_search

SITE = SiteRef("3411000002", "示例市发展和改革委员会", "http://fgw.shishi.gov.cn/",
               SiteKind.DEPARTMENT, ("fgw.shishi.gov.cn",))
ISET = load_indicator_set("national-2019")
CTX = RoundContext(datetime.fromisoformat("2022-06-30T17:00:00+08:00"), ISET, "2022Q2")
ACTION = "http://fgw.shishi.gov.cn/was5/web/search"
TITLES = ["示例市发展和改革委员会关于印发《示例市粮食安全三年行动计划（2022—2024年）》的通知",
          "市发展改革委召开2022年重点项目推进会", "关于公开征求《示例市价格监测办法》意见的公告",
          "粮食收购资格认定办事指南", "示例市发展和改革委员会2021年政府信息公开工作年度报告"]


def q(n: int, found=True, categorised=True, status=200, error=None) -> SearchQuery:
    return SearchQuery(title=TITLES[n], page_url=f"http://fgw.shishi.gov.cn/zwgk/t2022060{n}_{n}.html",
                       url=f"{ACTION}?searchword={n}", status=status, error=error, found=found,
                       categorised=categorised, categories=("政策文件",) if categorised else ())


def facts(*queries: SearchQuery, form=True) -> SearchFacts:
    return SearchFacts(homepage=SITE.homepage, form_found=form, action=ACTION, method="GET",
                       queries=tuple(queries), checked_at="2022-06-30T09:00:00+00:00")


def items(findings) -> list[tuple[str, str]]:
    return [(f.rule_id, f.item) for f in findings]


def test_a_working_categorised_search_gives_nothing():
    assert check_search(SITE, facts(q(0), q(1), q(2), q(3)), ISET) == []
    # no record: probe off, or the homepage was not captured
    assert site_search(SiteInput(SITE), CTX) == []
    assert check_search(SITE, SearchFacts(SITE.homepage, form_found=None), ISET) == []
    # a form but nothing to search for (no detail page captured)
    assert check_search(SITE, facts(), ISET) == []


def test_no_form_on_the_homepage():
    (f,) = check_search(SITE, facts(form=False), ISET)
    assert (f.rule_id, f.indicator_id, f.item) == ("GI-R001", "W-D25", "no_search")
    assert f.confidence == Confidence.SUSPECTED and f.evidence.url == SITE.homepage
    assert "未发现搜索表单" in f.message


def test_a_search_that_only_fails_is_unusable():
    failing = facts(q(0, False, False, 500), q(1, False, False, 500), q(2, False, False, 500),
                    q(3, False, False, None, "TimeoutError: timed out"))
    (f,) = check_search(SITE, failing, ISET)
    assert items([f]) == [("GI-R001", "no_search")] and f.confidence == Confidence.CERTAIN
    assert "HTTP 500" in f.message and "TimeoutError" in f.message
    assert f.details["reason"] == "failed" and len(f.details["sample"]) == 4


def test_none_of_the_titles_found_is_unusable():
    (f,) = check_search(SITE, facts(*(q(n, found=False) for n in range(4))), ISET)
    assert items([f]) == [("GI-R001", "no_search")] and f.details["reason"] == "none_found"
    assert f.evidence.url == f"{ACTION}?searchword=0"


def test_each_title_not_found_and_uncategorised_results():
    got = check_search(SITE, facts(q(0, categorised=False), q(1, found=False),
                                   q(2, categorised=False), q(3, False, False, 502)), ISET)
    assert items(got) == [("GI-R002", "not_found"), ("GI-R002", "not_found"),
                          ("GI-R003", "not_categorised")]
    one, failed, flat = got
    assert one.evidence.parent_url.endswith("t20220601_1.html") and one.evidence.context == TITLES[1]
    assert TITLES[1] in one.message and "HTTP 502" in failed.message
    assert one.fingerprint != failed.fingerprint
    assert flat.confidence == Confidence.SUSPECTED
    # only the results pages that found their title count for categories
    got = check_search(SITE, facts(q(0), q(1, found=False, categorised=False)), ISET)
    assert items(got) == [("GI-R002", "not_found")]


def test_only_the_sample_counts():
    got = check_search(SITE, facts(q(0), q(1), q(2), q(3), q(4, found=False)), ISET)
    assert got == []  # sample: 4 (W-D25 in the indicator set)


def test_points_come_from_the_indicator_set():
    assert ISET.indicators["W-D25"]["sample"] == 4
    assert (ISET.item_points("W-D25", "no_search"), ISET.item_points("W-D25", "not_found"),
            ISET.item_points("W-D25", "not_categorised")) == (4, 1, 1)
    partial = check_search(SITE, facts(q(0, categorised=False), q(1, found=False),
                                       q(2, found=False, categorised=False), q(3, False)), ISET)
    (d,) = score_site(SITE, partial, ISET).deductions
    assert (d.indicator_id, d.raw, d.applied) == ("W-D25", 4, 4)
    (d,) = score_site(SITE, check_search(SITE, facts(form=False), ISET), ISET).deductions
    assert d.applied == 4


def test_analysis_passes_the_search_facts_to_the_rule():
    def search_findings(**kw):
        found = analyse_round_pages([SITE], [], [], CTX, **kw)[SITE.code]
        return items(f for f in found if f.indicator_id == "W-D25")

    assert search_findings(search={SITE.code: facts(form=False), "other": facts()}) == [
        ("GI-R001", "no_search")]
    assert search_findings() == []
