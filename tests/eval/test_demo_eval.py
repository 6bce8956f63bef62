"""`make eval` on the demo network: the matcher on a handcrafted manifest, and one small real
round whose W-D22 figures must be exact."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from govinspect.eval import demo
from govinspect.eval.demo import KindSpec, load_kinds, match, tables, text_matches

SITE, OTHER = "3411000001", "3411000002"
HOME = "http://www.shishi.gov.cn/"
ART = "http://www.shishi.gov.cn/zwgk/rsxx/202203/t20220312_1024080.html"

KINDS = {
    "dead_link_404": KindSpec(("GI-L001",), "parent_url+url"),
    "dead_link_dns": KindSpec(("GI-L001",), "parent_url+url"),
    "typo": KindSpec(("GI-T001",), "url"),
    "personal_id": KindSpec(("GI-P001",), "url"),
    "lookalike_masked_id": KindSpec(("GI-P001",), "url", negative=True),
    "lookalike_landline": KindSpec(("GI-P001",), "url", negative=True),
    "availability_flaky": KindSpec(("GI-A001",), "site"),
}

ENTRIES = [
    {"kind": "dead_link_404", "indicator": "W-D22", "site": SITE,
     "url": "http://www.shishi.gov.cn/zwgk/old.html", "parent_url": HOME},
    {"kind": "dead_link_404", "indicator": "W-D22", "site": SITE,
     "url": "http://www.shishi.gov.cn/zwgk/gone.html", "parent_url": ART},
    {"kind": "dead_link_dns", "indicator": "W-D22", "site": SITE,
     "url": "http://www.shishihbj.gov.cn/", "parent_url": HOME},
    {"kind": "typo", "indicator": "W-V1", "site": SITE, "url": ART, "text": "布署",
     "span": {"start": 1788, "end": 1790}},
    {"kind": "personal_id", "indicator": "W-V1", "site": SITE, "url": ART,
     "text": "34112219820416148X", "span": {"start": 1616, "end": 1634}},
    {"kind": "lookalike_masked_id", "indicator": "W-V1", "site": SITE, "url": ART,
     "negative": True, "text": "3411**********148X", "span": {"start": 1764, "end": 1782}},
    {"kind": "lookalike_landline", "indicator": "W-V1", "site": SITE, "url": ART,
     "negative": True, "text": "0550-3012345", "span": {"start": 1900, "end": 1912}},
    {"kind": "availability_flaky", "indicator": "W-V2", "site": OTHER,
     "url": "http://fgw.shishi.gov.cn/"},
    {"kind": "footer_missing_item", "indicator": "W-D21", "site": OTHER,
     "url": "http://fgw.shishi.gov.cn/", "item": "icp"},
]


def finding(rule, url, *, parent_url=None, site=SITE, text=None, message="m"):
    details = {} if text is None else {"text": text, "start": 5, "end": 5 + len(text)}
    return {"rule": rule, "indicator": "x", "item": "", "site": site, "url": url,
            "parent_url": parent_url, "message": message, "confidence": "确定",
            "fingerprint": "f", "details": details}


def by_kind(result):
    return {k.kind: k for k in result.kinds}


def by_rule(result):
    return {r.rule: r for r in result.rules}


def test_dead_links_match_on_parent_and_target():
    findings = [
        finding("GI-L001", "http://www.shishi.gov.cn/zwgk/old.html", parent_url=HOME),
        # right target, wrong parent page: not the planted occurrence
        finding("GI-L001", "http://www.shishi.gov.cn/zwgk/gone.html", parent_url=HOME),
        # same keys on another site: not it either
        finding("GI-L001", "http://www.shishihbj.gov.cn/", parent_url=HOME, site=OTHER),
        # host case and default port do not matter
        finding("GI-L001", "http://WWW.shishihbj.gov.cn:80", parent_url="http://www.shishi.gov.cn"),
    ]
    result = match(ENTRIES, findings, KINDS)
    kinds = by_kind(result)
    assert (kinds["dead_link_404"].tp, kinds["dead_link_404"].fn) == (1, 1)
    assert (kinds["dead_link_dns"].tp, kinds["dead_link_dns"].fn) == (1, 0)
    rule = by_rule(result)["GI-L001"]
    assert (rule.findings, rule.matched, rule.fp) == (4, 2, 2)
    # unplanted findings of a shared rule count against every kind it serves
    assert kinds["dead_link_404"].fp == kinds["dead_link_dns"].fp == 2


def test_text_kinds_match_on_the_offending_text_not_offsets():
    findings = [
        finding("GI-T001", ART, text="布署"),  # offsets into main text differ: still a match
        finding("GI-T001", ART, text="贯澈"),  # same page, unplanted text
        finding("GI-T001", HOME, text="布署"),  # planted text, other page
    ]
    result = match(ENTRIES, findings, KINDS)
    assert (by_kind(result)["typo"].tp, by_kind(result)["typo"].fn) == (1, 0)
    rule = by_rule(result)["GI-T001"]
    assert (rule.matched, rule.fp) == (1, 2)
    assert [f["details"]["text"] for f in rule.unplanted] == ["贯澈", "布署"]


def test_masked_privacy_evidence_matches_the_real_id_not_the_lookalike():
    masked = "3411**********148X"  # how GI-P001 writes the real ID into its evidence
    result = match(ENTRIES, [finding("GI-P001", ART, text=masked)], KINDS)
    kinds = by_kind(result)
    assert kinds["personal_id"].tp == 1
    assert kinds["lookalike_masked_id"].fp == 0
    assert by_rule(result)["GI-P001"].fp == 0


def test_a_finding_at_a_lookalike_is_a_false_positive_reported_per_lookalike():
    findings = [finding("GI-P001", ART, text="0550-3012345")]
    result = match(ENTRIES, findings, KINDS)
    kinds = by_kind(result)
    assert kinds["lookalike_landline"].negative
    assert (kinds["lookalike_landline"].found, kinds["lookalike_landline"].fp) == (1, 1)
    assert kinds["personal_id"].fn == 1 and kinds["personal_id"].fp == 1
    rule = by_rule(result)["GI-P001"]
    assert (rule.at_lookalike, rule.fp) == (1, 1)


def test_site_kinds_kinds_without_rules_and_unmapped_rules_are_all_shown():
    findings = [finding("GI-A001", "http://fgw.shishi.gov.cn/", site=OTHER),
                finding("GI-X999", HOME)]
    result = match(ENTRIES, findings, KINDS)
    kinds = by_kind(result)
    assert kinds["availability_flaky"].tp == 1
    footer = kinds["footer_missing_item"]
    assert footer.rules == () and (footer.tp, footer.fn) == (0, 1)
    unmapped = by_rule(result)["GI-X999"]
    assert not unmapped.mapped and unmapped.fp == 1

    shown = {t.name: t for t in tables(result, "种子 1")}
    rows = {r[0]: r for r in shown["demo.kinds"].rows}
    assert rows["footer_missing_item"][2] == demo.NO_RULE and rows["footer_missing_item"][-1] == "0.0%"
    assert any("尚无规则" in n and "footer_missing_item" in n for n in shown["demo.kinds"].notes)
    assert "GI-X999（未映射）" in {r[0] for r in shown["demo.rules"].rows}
    assert any("GI-X999 未预设报出" in n for n in shown["demo.rules"].notes)
    assert {r[0] for r in shown["demo.lookalikes"].rows} == {"lookalike_masked_id",
                                                            "lookalike_landline"}


def test_text_matching_rules():
    assert text_matches("布署", "布署")
    assert text_matches("<div style=\"display:none\">永利", "<div style=\"display:none\">\n永利娱乐</div>")
    assert text_matches("136****7370", "13676137370")
    assert not text_matches("136****7371", "13676137370")
    assert not text_matches("", "布署") and not text_matches("布署", None)


def test_the_shipped_mapping_loads_and_bad_rows_are_named():
    kinds = load_kinds()
    assert kinds["dead_link_404"] == KindSpec(("GI-L001",), "parent_url+url")
    assert kinds["availability_flaky"].match == "site"
    assert kinds["lookalike_landline"].negative
    with pytest.raises(ValueError, match="typo"):
        load_kinds("kinds:\n  typo: {rules: [GI-T001], match: offsets}\n")
    with pytest.raises(ValueError, match="kinds"):
        load_kinds("rows: []\n")


def test_dark_links_match_on_the_planted_links_not_the_raw_html():
    spam = {"kind": "hidden_spam_links", "indicator": "W-V1", "site": SITE, "url": HOME,
            "text": '<div style="display:none"><a href="http://www.yl-bet.com/">永利娱乐</a>'
                    '<a href="http://pj.sports-cc.net/">澳门葡京</a></div>',
            "links": ["http://www.yl-bet.com/", "http://pj.sports-cc.net/"]}
    kinds = {"hidden_spam_links": KindSpec(("GI-S001",), "url", text="links")}
    visible = {"start": 0, "end": 8, "text": "永利娱乐澳门葡京", "hosts": ["www.yl-bet.com"]}
    hit = dict(finding("GI-S001", HOME), details=visible)
    other = dict(finding("GI-S001", HOME), details={**visible, "hosts": ["www.example.org"]})
    elsewhere = dict(finding("GI-S001", ART), details=visible)
    # compared as text, the visible text never equals the raw block
    text_kinds = {"hidden_spam_links": KindSpec(("GI-S001",), "url")}
    assert by_kind(match([spam], [hit], text_kinds))["hidden_spam_links"].tp == 0
    result = match([spam], [hit, other, elsewhere], kinds)
    assert (by_kind(result)["hidden_spam_links"].tp, by_rule(result)["GI-S001"].fp) == (1, 2)
    none = {"hidden_spam_links": KindSpec(("GI-S001",), "url", text="none")}
    assert by_rule(match([spam], [hit, other, elsewhere], none))["GI-S001"].matched == 2
    assert load_kinds()["hidden_spam_links"].text == "links"
    with pytest.raises(ValueError, match="hidden_spam_links"):
        load_kinds("kinds:\n  hidden_spam_links: {rules: [GI-S001], text: html}\n")


def test_size_comes_from_the_environment():
    setting = demo.setting_from_env({"GOVINSPECT_EVAL_SITES": "5", "GOVINSPECT_EVAL_SCALE": "0.2"})
    assert (setting.seed, setting.sites, setting.scale, setting.faults) == (20220630, 5, 0.2, True)
    assert "前 5 家" in setting.describe() and "20220630" in setting.describe()
    assert demo.setting_from_env({}).sites is None
    with pytest.raises(ValueError, match="GOVINSPECT_EVAL_SITES"):
        demo.setting_from_env({"GOVINSPECT_EVAL_SITES": "五"})


@pytest.mark.slow
def test_small_round_finds_exactly_the_planted_dead_links(tmp_path: Path):
    setting = demo.DemoSetting(sites=5, scale=0.2, faults=False)
    entries, findings = demo.run_demo(setting, tmp_path / "demo")
    result = match(entries, findings, load_kinds())
    dead = [k for k in result.kinds if k.indicator == "W-D22"]
    assert len(dead) == 6 and all(k.planted for k in dead)
    for k in dead:
        assert (k.fp, k.fn) == (0, 0), k
        assert k.tp == k.planted
    rule = by_rule(result)["GI-L001"]
    assert rule.findings == rule.matched == rule.planted == rule.found
    assert os.path.isfile(tmp_path / "demo.log")


def test_rule_recall_counts_only_what_that_rule_found():
    kinds = {"typo": KindSpec(("GI-T001", "GI-T002"), "url")}
    result = match(ENTRIES, [finding("GI-T001", ART, text="布署")], kinds)
    rules = by_rule(result)
    assert (rules["GI-T001"].planted, rules["GI-T001"].found) == (1, 1)
    assert (rules["GI-T002"].planted, rules["GI-T002"].found) == (1, 0)
    assert by_kind(result)["typo"].tp == 1


def test_site_kinds_of_one_rule_are_told_apart_by_item():
    """G13 on the demo network: a site with an expired certificate that also serves plain
    HTTP carries two entries; each needs the finding of its own item."""
    fgw = "http://fgw.shishi.gov.cn/"
    entries = [
        {"kind": "cert_expired", "indicator": "G13", "site": OTHER, "url": fgw},
        {"kind": "no_https_redirect", "indicator": "G13", "site": OTHER, "url": fgw},
        {"kind": "lookalike_https_ok", "indicator": "G13", "site": SITE, "url": HOME,
         "negative": True},
    ]
    kinds = load_kinds()
    assert kinds["cert_expired"] == KindSpec(("GI-X001",), "site", item="cert_invalid")
    assert kinds["lookalike_https_ok"].negative and kinds["lookalike_https_ok"].item is None

    def x001(item, site=OTHER):
        return dict(finding("GI-X001", fgw if site == OTHER else HOME, site=site), item=item)

    result = match(entries, [x001("no_redirect")], kinds)
    assert by_kind(result)["no_https_redirect"].tp == 1 and by_kind(result)["cert_expired"].fn == 1
    result = match(entries, [x001("no_redirect"), x001("cert_invalid"), x001("no_hsts")], kinds)
    assert (by_kind(result)["cert_expired"].tp, by_rule(result)["GI-X001"].fp) == (1, 1)
    result = match(entries, [x001("no_hsts", site=SITE)], kinds)
    assert by_kind(result)["lookalike_https_ok"].at_lookalike == 1
    with pytest.raises(ValueError, match="no_hsts"):
        load_kinds("kinds:\n  no_hsts: {rules: [GI-X001], match: site, item: [a, b]}\n")
