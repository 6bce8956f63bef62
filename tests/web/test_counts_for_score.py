"""Which stored findings feed the score: W-V1 (level S) waits for a person even when the
machine is certain; other certain findings count; suspected ones only once confirmed."""

from govinspect.core.indicator_sets import load_indicator_set
from govinspect.web.rounds.models import Finding, ReviewState
from govinspect.web.rounds.services import counts_for_score

ISET = load_indicator_set("national-2019")


def row(indicator: str, confidence: str, state: str = ReviewState.PENDING) -> Finding:
    return Finding(indicator_id=indicator, confidence=confidence, review_state=state)


def test_certain_dead_link_counts_until_dismissed():
    assert counts_for_score(row("W-D22", "确定"), ISET)
    assert not counts_for_score(row("W-D22", "确定", ReviewState.DISMISSED), ISET)


def test_suspected_finding_counts_only_once_confirmed():
    assert not counts_for_score(row("W-D4", "疑似"), ISET)
    assert counts_for_score(row("W-D4", "疑似", ReviewState.CONFIRMED), ISET)


def test_a_veto_for_serious_problems_needs_a_person_even_when_certain():
    assert not counts_for_score(row("W-V1", "确定"), ISET)
    assert counts_for_score(row("W-V1", "确定", ReviewState.CONFIRMED), ISET)
