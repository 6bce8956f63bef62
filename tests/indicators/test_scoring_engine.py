"""The pure scoring engine: vetoes, caps, R9, normalisation, the fail line and the bonus gate."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from govinspect.core.indicator_sets import load_indicator_set
from govinspect.core.newmedia import AccountEntry
from govinspect.core.types import (
    Evidence,
    Finding,
    LinkCheck,
    LinkClass,
    LinkFailure,
    ResourceKind,
    SiteKind,
    SiteRef,
)
from govinspect.indicators.engine import score_account, score_site
from govinspect.rules.links import dead_links
from govinspect.rules.newmedia import stale_accounts

NAT = load_indicator_set("national-2019")
CZ = load_indicator_set("chuzhou-2022")
PORTAL = SiteRef("3411000036", "滁州市人民政府", "http://www.chuzhou.gov.cn/", SiteKind.PORTAL)
DEPT = SiteRef("3411000059", "滁州市供销合作社联合社", "http://gxs.chuzhou.gov.cn/",
               SiteKind.DEPARTMENT)
SPECIAL = SiteRef("3411000067", "信用滁州", "http://credit.chuzhou.gov.cn/", SiteKind.SPECIAL)


def f(site, indicator, item, n=0, column=None):
    return Finding("MANUAL", indicator, site.code, f"{indicator}/{item}",
                   Evidence(url=f"{site.homepage}col/{indicator}/{item}/{n}"), item=item,
                   details={"column": column} if column else {})


def many(site, indicator, item, count):
    return [f(site, indicator, item, n) for n in range(count)]


def test_veto_fires_at_the_threshold_not_before():
    nine = score_site(PORTAL, many(PORTAL, "W-V4", "long_stale_column", 9), NAT)
    ten = score_site(PORTAL, many(PORTAL, "W-V4", "long_stale_column", 10), NAT)
    assert nine.passed and nine.score == 100.0 and not nine.vetoes
    assert not ten.passed and ten.score is None
    assert ten.vetoes[0].count == 10 and ten.vetoes[0].threshold == 10
    assert len(ten.vetoes[0].fingerprints) == 10
    assert "单项否决" in "\n".join(ten.explain())


def test_cap_per_indicator_and_the_trace_back_to_findings():
    links = many(PORTAL, "W-D22", "homepage", 4) + many(PORTAL, "W-D22", "other", 5)
    s = score_site(PORTAL, links, NAT)
    (d,) = s.deductions
    assert d.raw == pytest.approx(1.3) and d.applied == 1.0  # capped at 1 (R5)
    assert set(d.fingerprints) == {x.fingerprint for x in links}
    assert s.score == 99.0
    # the same finding given twice counts once
    assert score_site(PORTAL, links + links[:2], NAT).deductions[0].raw == pytest.approx(1.3)


def test_dead_link_findings_from_the_rule_feed_the_engine():
    checks = [LinkCheck(PORTAL.code, PORTAL.homepage, f"http://www.chuzhou.gov.cn/x{i}.html",
                        "通知", LinkClass.IN_SITE, ResourceKind.PAGE, 404, LinkFailure.HTTP_4XX)
              for i in range(3)]
    s = score_site(PORTAL, dead_links(PORTAL, checks), NAT)
    assert s.score == pytest.approx(99.4)


def test_no_double_counting_of_a_column_r9():
    col = "http://www.chuzhou.gov.cn/zwdt/"
    findings = [f(PORTAL, "W-D4", "stale", column=col), f(PORTAL, "W-D9", "stale", column=col),
                f(PORTAL, "W-D9", "stale", 1, column="http://www.chuzhou.gov.cn/tzgg/")]
    s = score_site(PORTAL, findings, NAT)
    by_id = {d.indicator_id: d for d in s.deductions}
    assert by_id["W-D4"].applied == 5 and by_id["W-D9"].applied == 1
    assert any("R9" in line.note for line in by_id["W-D9"].lines)
    assert s.score == 94.0


def test_once_items_count_once():
    s = score_site(PORTAL, many(PORTAL, "W-D1", "no_column", 3), NAT)
    assert s.deductions[0].raw == 2


def _deduct(site, points_of_5):
    """Findings worth 5 points each (W-D4/5/6 stale) plus W-D9 stale 1 each."""
    out = []
    for ind in ("W-D4", "W-D5", "W-D6")[:points_of_5]:
        out.append(f(site, ind, "stale"))
    return out


def test_fail_line_is_strictly_below_60():
    base = _deduct(PORTAL, 3) + many(PORTAL, "W-D9", "stale", 4) + many(PORTAL, "W-D7",
                                                                         "not_interpreted", 3)
    at_60 = (base + [f(PORTAL, "W-D19", "no_reply")] + many(PORTAL, "W-D18", "missing_field", 4)
             + many(PORTAL, "W-D13", "no_guide", 2) + many(PORTAL, "W-D14", "wrong_fact", 2))
    s = score_site(PORTAL, at_60, NAT)
    assert s.score2 == 60 and s.passed
    s = score_site(PORTAL, at_60 + many(PORTAL, "W-D27", "missing_tags", 1), NAT)
    assert s.score2 == Decimal("59.90") and not s.passed and not s.entered_bonus


def test_bonus_gate_is_strictly_above_80_and_bonus_is_capped():
    bonus = [f(PORTAL, "W-B6", "fast_answer"), f(PORTAL, "W-B10", "recognised")]
    at_80 = _deduct(PORTAL, 3) + many(PORTAL, "W-D9", "stale", 4) + [f(PORTAL, "W-D7",
                                                                       "not_interpreted")]
    s = score_site(PORTAL, at_80 + bonus, NAT)
    assert s.score2 == 80 and not s.entered_bonus and s.score == 80.0 and not s.bonuses
    above = at_80[:-1] + many(PORTAL, "W-D22", "other", 9)
    s = score_site(PORTAL, above + bonus, NAT)
    assert s.score2 == Decimal("80.10") and s.entered_bonus and s.score == pytest.approx(86.1)
    # bonus goes to portals only nationally, to departments too in 滁州
    dept_bonus = [f(DEPT, "W-B6", "fast_answer")]
    assert not score_site(DEPT, dept_bonus, NAT).bonuses
    assert score_site(DEPT, dept_bonus, CZ).bonuses


def test_normalisation_by_base_r6_and_per_unit():
    # R6: no service functions ⇒ 办事服务 not checked, out of 75, × 4/3
    findings = [f(PORTAL, "W-D4", "stale"), f(PORTAL, "W-D11", "no_registration")]
    s = score_site(PORTAL, findings, NAT, no_service=True)
    assert s.base == 75 and [d.indicator_id for d in s.deductions] == ["W-D4"]
    assert s.score == pytest.approx(93.33)  # 70 × 4/3
    # 滁州 departments: base 70 by kind, 110 for some units; bonus included before dividing
    dept = [f(DEPT, "W-D22", "homepage", n) for n in range(3)] + [f(DEPT, "W-B6",
                                                                      "fast_answer")]
    s = score_site(DEPT, dept, CZ, base=110)
    assert s.raw_final == Decimal("112.4") and s.score == 102.18
    s70 = score_site(DEPT, many(DEPT, "W-D9", "stale", 4) + many(DEPT, "W-D7",
                                                                  "not_interpreted", 3), CZ)
    assert s70.base == 70 and s70.score == 90.0 and s70.entered_bonus


def test_special_sites_are_checked_for_vetoes_only_in_chuzhou():
    links = many(SPECIAL, "W-D22", "other", 5)
    s = score_site(SPECIAL, links, CZ)
    assert s.passed and s.veto_only and s.score is None and s.score_text == "合格"
    assert score_site(SPECIAL, links, NAT).score == 99.5
    vetoed = score_site(SPECIAL, many(SPECIAL, "W-V4", "blank_column", 5), CZ)
    assert not vetoed.passed and vetoed.score_text == "不合格"


T = dt.datetime(2022, 6, 30, 18, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


@pytest.mark.parametrize("days_ago, national_ok, chuzhou_ok", [
    (3, True, True), (7, True, False), (10, True, False), (14, False, False)])
def test_new_media_stale_window_national_two_weeks_chuzhou_one(days_ago, national_ok,
                                                                chuzhou_ok):
    acc = AccountEntry("341100M007XL0002", "滁州治安在线", "新浪微博", "市直部门",
                       "滁州市公安局治安管理支队", T - dt.timedelta(days=days_ago))
    for iset, ok in ((NAT, national_ok), (CZ, chuzhou_ok)):
        findings = stale_accounts([acc], T, iset)
        result = score_account(acc.code, findings, iset)
        assert result.passed is ok
    msg = stale_accounts([acc], T, CZ)
    if msg:
        assert "超过一周未更新" in msg[0].message and "滁州治安在线" in msg[0].message
