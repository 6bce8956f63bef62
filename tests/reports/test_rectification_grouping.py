"""reports.rectification.group_findings: one item per problem of a subject, with its pages."""

from __future__ import annotations

import pytest

from govinspect.core.types import Evidence, Finding
from govinspect.reports.rectification import group_findings


def _f(subject, rule, indicator, item, url, parent=None, message="问题"):
    return Finding(rule_id=rule, indicator_id=indicator, subject=subject, message=message,
                   evidence=Evidence(url=url, parent_url=parent), item=item)


def test_repeated_per_page_findings_become_one_item_with_their_pages():
    pages = [f"http://a.gov.cn/p{i}.html" for i in range(334)]
    findings = [_f("3411000001", "GI-W003", "W-D23", "", u, message="未设置找错入口")
                for u in pages]
    findings.append(_f("3411000001", "GI-W003", "W-D23", "", pages[0]))  # same page again
    groups = group_findings(findings, {"3411000001": "7"})
    assert len(groups) == 1
    g = groups[0]
    assert g.pages == tuple(pages)
    assert g.message == "未设置找错入口（等334处）"
    assert len(g.findings) == 335 and len(g.fingerprints) == 334


def test_key_is_unit_subject_indicator_rule_item():
    findings = [
        _f("S1", "GI-L001", "W-D22", "homepage", "http://a/x", "http://a/"),
        _f("S1", "GI-L001", "W-D22", "other", "http://a/y", "http://a/p"),
        _f("S1", "GI-L001", "W-D22", "other", "http://a/z", "http://a/p"),
        _f("S2", "GI-L001", "W-D22", "other", "http://b/z", "http://b/p"),
        _f("S1", "GI-T001", "W-V1", "serious_error", "http://a/p"),
    ]
    groups = group_findings(findings, {"S1": "u1", "S2": "u2"})
    keys = [(g.key.unit, g.key.subject, g.key.indicator_id, g.key.rule_id, g.key.item)
            for g in groups]
    assert keys == [("u1", "S1", "W-D22", "GI-L001", "homepage"),
                    ("u1", "S1", "W-D22", "GI-L001", "other"),
                    ("u1", "S1", "W-V1", "GI-T001", "serious_error"),
                    ("u2", "S2", "W-D22", "GI-L001", "other")]
    other = groups[1]
    assert other.pages == ("http://a/y", "http://a/z") and other.parent_pages == ("http://a/p",)
    # ids are stable (the same problem keeps its id round after round) and distinct
    again = group_findings(reversed(findings), {"S1": "u1", "S2": "u2"})
    assert [g.key.id for g in again] == [g.key.id for g in groups]
    assert len({g.key.id for g in groups}) == len(groups)


def test_unknown_subject_is_an_error():
    with pytest.raises(ValueError, match="S9"):
        group_findings([_f("S9", "GI-L001", "W-D22", "other", "http://x/")], {"S1": "u"})
