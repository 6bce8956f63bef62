"""The false-alarm gate on real content (issue 15): every finding of every page-scope rule on
every real page, and of the text checks on the real sentence sets, is hand-judged in
tests/realcorpus/judged.jsonl; an unjudged finding fails the test."""

from __future__ import annotations

import json

import pytest

from govinspect.eval.corpus import load_corpus
from govinspect.eval.rules_real import (
    SITE_SCOPE,
    all_findings,
    gate,
    in_scope,
    load_judged,
)
from govinspect.rules.base import all_rules


def _lines(found) -> str:
    return "\n".join(json.dumps(rf.as_judgement(), ensure_ascii=False) for rf in found)


@pytest.fixture(scope="module")
def corpus():
    return load_corpus()


@pytest.fixture(scope="module")
def shared_result(corpus):
    pages = [p for p in corpus.pages if p.source == "shared"]
    assert len(pages) >= 28, "the shared real pages (../shared/data/realpages) must be present"
    found = all_findings(type(corpus)(pages=pages))
    sources = {p.id for p in pages} | {k[0] for k in load_judged() if "#" in k[0]}
    return gate(found, sources)


def test_every_finding_on_shared_pages_and_text_sets_is_judged(shared_result):
    assert not shared_result.unjudged, (
        "findings on real content that nobody judged (read the page, then add each to "
        "tests/realcorpus/judged.jsonl with verdict and reason):\n" + _lines(shared_result.unjudged))


def test_judged_file_follows_the_rules(shared_result):
    """A judged finding that no longer fires is removed from the file (or the rule lost it)."""
    assert not shared_result.stale, json.dumps(shared_result.stale, ensure_ascii=False, indent=1)


@pytest.fixture(scope="module")
def project_result(corpus):
    pages = [p for p in corpus.pages if p.source == "project"]
    if not pages:
        pytest.skip("the gathered real pages' bytes are absent ($GOVINSPECT_REALCORPUS/pages or "
                    "../realcorpus/pages); they are kept outside the project")
    return gate(all_findings(type(corpus)(pages=pages), text_sets=False), {p.id for p in pages})


def test_every_finding_on_project_pages_is_judged(project_result):
    assert not project_result.unjudged, ("unjudged findings on project pages:\n"
                                         + _lines(project_result.unjudged))
    assert not project_result.stale, json.dumps(project_result.stale, ensure_ascii=False, indent=1)


def test_no_false_alarms_on_real_content(shared_result):
    assert not shared_result.false_alarms, _lines(shared_result.false_alarms)


def test_no_false_alarms_on_project_pages(project_result):
    """Every finding on the gathered real pages is a true problem (issue 15: precision first)."""
    assert not project_result.false_alarms, _lines(project_result.false_alarms)


def test_judged_entries_name_real_rules_and_reasons():
    ids = {r.id for r in all_rules()}
    for (source, rule, _), row in load_judged().items():
        assert rule in ids and in_scope(rule), (source, rule)
        assert row["reason"].strip()


def test_site_scope_names_registered_rules():
    ids = {r.id for r in all_rules()}
    assert set(SITE_SCOPE) <= ids
