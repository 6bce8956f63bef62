"""GI-A002 (W-V2): a site the round could not inspect is a finding, scored 待核实 unless the
W-V2 probes confirm the veto, and never ranked."""

from __future__ import annotations

from decimal import Decimal

from test_availability import SITE, week

from govinspect.core.indicator_sets import load_indicator_set
from govinspect.core.probes import ProbeOutcome
from govinspect.indicators.engine import score_site
from govinspect.indicators.round import SiteEntry, SiteResult, summarise
from govinspect.rules.availability import NOT_INSPECTED, not_inspected, unreachable_homepage

ISET = load_indicator_set("national-2019")


def row(**kw):
    base = {"code": SITE.code, "homepage": SITE.homepage, "pages": 12, "homepage_status": 200,
            "homepage_failure": None, "homepage_redirect": None}
    return {**base, **kw}


def test_positive_kinds():
    refused = not_inspected(SITE, row(pages=0, homepage_status=None,
                                      homepage_failure="connect_refused"))
    assert [(f.rule_id, f.indicator_id, f.item, f.confidence.value) for f in refused] == [
        (NOT_INSPECTED.id, "W-V2", "homepage_failed", "确定")]
    assert "连接被拒绝" in refused[0].message
    assert "没有首页可用性监测记录" in refused[0].message

    gone = not_inspected(SITE, row(pages=1, homepage_status=404))
    assert gone[0].item == "homepage_failed" and "404" in gone[0].message

    off = not_inspected(SITE, row(pages=0, homepage_status=302, homepage_failure="other",
                                  homepage_redirect="http://casino.example.com/"))
    assert off[0].item == "homepage_offsite"
    assert off[0].details["target"] == "http://casino.example.com/"
    assert "casino.example.com" in off[0].evidence.context

    nothing = not_inspected(SITE, row(pages=0, homepage_status=None))
    assert nothing[0].item == "no_pages"


def test_negative_inspected_site_and_unfinished_collect():
    assert not_inspected(SITE, row()) == []
    assert not_inspected(SITE, None) == []  # no summary: the round's guard, not a finding


def test_the_message_says_what_the_probes_say():
    down = row(pages=0, homepage_status=None, homepage_failure="dns")
    clean = week({})
    assert "可以访问" in not_inspected(SITE, down, clean)[0].message
    vetoed = week({i: ProbeOutcome.REFUSED for i in range(20)})
    assert "单项否决" in not_inspected(SITE, down, vetoed)[0].message
    partial = clean[:30]
    assert "监测未满" in not_inspected(SITE, down, partial)[0].message


def test_scores_pending_unless_the_probes_confirm_the_veto():
    down = not_inspected(SITE, row(pages=0, homepage_status=None,
                                   homepage_failure="connect_refused"))
    pending = score_site(SITE, down, ISET)
    assert pending.score is None and not pending.passed and not pending.vetoes
    assert pending.result == "待核实" and pending.score_text == "待核实"
    assert pending.pending == ("本轮采集时首页无法打开，未能检查",)

    veto = unreachable_homepage(SITE, week({i: ProbeOutcome.REFUSED for i in range(20)}))
    vetoed = score_site(SITE, [*down, *veto], ISET)
    assert vetoed.result == "不合格" and [v.indicator_id for v in vetoed.vetoes] == ["W-V2"]
    assert not vetoed.pending

    # The same W-V2 indicator: an item-less finding still means the veto item.
    assert ISET.item("W-V2", "") == ISET.item("W-V2", "unreachable")


def test_summaries_leave_pending_sites_out_of_counts_and_rankings():
    from govinspect.core.types import SiteKind, SiteRef

    other = SiteRef(code="3411000014", name="另一局", homepage="http://b.gov.cn/",
                    kind=SiteKind.DEPARTMENT)
    down = not_inspected(SITE, row(pages=0, homepage_failure="timeout", homepage_status=None))
    results = [SiteResult(SiteEntry(SITE, region="市直"), score_site(SITE, down, ISET)),
               SiteResult(SiteEntry(other, region="市直"), score_site(other, [], ISET))]
    summary = summarise(ISET.id, results, [])
    assert summary.sites_checked == 1 and summary.sites_failed == ()
    assert summary.site_pass_rate == Decimal("100.00")
    assert [r.result.entry.site.code for r in summary.ranking] == [other.code]
    assert [r.entry.site.code for r in summary.at_least] == [other.code]
    assert [r.entry.site.code for r in summary.sites_pending] == [SITE.code]
