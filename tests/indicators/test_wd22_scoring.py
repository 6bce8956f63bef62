"""W-D22 deductions as the skeleton scores them: 0.2 homepage, 0.1 other, cap 1 — from YAML."""

from govinspect.core.indicator_sets import load_indicator_set
from govinspect.core.types import Evidence, Finding, SiteKind, SiteRef
from govinspect.indicators.engine import score_site

SITE = SiteRef("3411000003", "示例市发展和改革委员会", "http://fgw.shishi.gov.cn/", SiteKind.DEPARTMENT)


def dead(item: str, n: int) -> list[Finding]:
    return [Finding("GI-L001", "W-D22", SITE.code, "死链", Evidence(url=f"http://x/{item}{i}"), item=item)
            for i in range(n)]


def test_points_come_from_the_indicator_set():
    iset = load_indicator_set("national-2019")
    assert iset.item_points("W-D22", "homepage") == 0.2
    assert iset.item_points("W-D22", "other") == 0.1
    assert iset.cap("W-D22") == 1


def test_deduction_sums_items_and_respects_the_cap():
    iset = load_indicator_set("national-2019")
    s = score_site(SITE, dead("homepage", 2) + dead("other", 3), iset)
    assert s.deductions[0].applied == 0.7 and s.score == 99.3
    capped = score_site(SITE, dead("homepage", 4) + dead("other", 9), iset)
    assert capped.deductions[0].raw == 1.7 and capped.deductions[0].applied == 1 and capped.score == 99


def test_no_findings_no_deduction():
    s = score_site(SITE, [], load_indicator_set("national-2019"))
    assert s.score == 100 and s.passed and s.deductions == ()
