"""Review decisions: scopes, expiry, later rounds without re-crawl, revoke, and the score that
follows the reviewed state (through rounds.services.counts_for_score / score_db_round)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from workspace_scenario import TERM, T, _finding, build

from govinspect.core.types import Confidence
from govinspect.web.accounts.scope import Scope
from govinspect.web.decisions.services import (
    DecisionError,
    apply_decisions,
    decide,
    flag,
    review_queue,
    revoke,
)
from govinspect.web.rounds.models import ReviewState, Round

pytestmark = pytest.mark.django_db


def _later_round(w, name="2022Q3", days=92):
    t = T + dt.timedelta(days=days)
    r = Round.objects.create(name=name, reference_time=t, window_start=t - dt.timedelta(days=7),
                             window_end=t, indicator_set="national-2019")
    r.sites.set(w.sites.values())
    return r


def _score(round_, code) -> Decimal | None:
    from govinspect.web.rounds.notice import score_db_round

    return next(r.score.final for r in score_db_round(round_, compare=False).sites
                if r.entry.site.code == code)


def _state(row) -> str:
    row.refresh_from_db()
    return row.review_state


def test_dismiss_recomputes_the_score_and_confirm_vetoes():
    w = build(publish=False)
    inspector = Scope.for_user(w.users["inspector"])
    cur, site = w.rounds["cur"], w.sites["A"]
    assert _score(cur, site.code) == Decimal("99.80")  # the certain W-D22 homepage link
    decide(inspector, [w.findings["A-link"]], "dismiss", "finding", "链接可以打开，误报")
    assert _state(w.findings["A-link"]) == ReviewState.DISMISSED
    assert _score(cur, site.code) == Decimal("100.00")
    # the suspected W-V1 term does not count until confirmed; confirmed, it vetoes the site
    decide(inspector, [w.findings["A-term"]], "confirm", "finding", "确属错别字")
    assert _score(cur, site.code) is None


def test_rule_site_scope_reaches_later_rounds_but_not_earlier_ones_or_other_sites():
    w = build(publish=False)
    inspector = Scope.for_user(w.users["inspector"])
    cur, prev, a = w.rounds["cur"], w.rounds["prev"], w.sites["A"]
    extra = _finding(cur, a, "GI-L001", "W-D22", "other", a.homepage + "x.html", "甲站链接",
                     parent=a.homepage + "p.html")
    decide(inspector, [w.findings["A-link"]], "dismiss", "rule_site", "本站链接检测受防火墙影响")
    assert _state(extra) == ReviewState.DISMISSED
    assert _state(w.findings["C-link"]) == ReviewState.PENDING  # another site
    earlier = prev.findings.get(site=a, rule_id="GI-L001")
    assert earlier.review_state == ReviewState.PENDING  # decisions never reach back

    later = _later_round(w)
    new = _finding(later, a, "GI-L001", "W-D22", "other", a.homepage + "y.html", "甲站链接")
    other_rule = _finding(later, a, "GI-T001", "W-V1", "serious_error", a.homepage, "甲站词",
                          confidence=Confidence.SUSPECTED)
    assert apply_decisions(later) == 1  # what `round run` does after the analysis
    assert _state(new) == ReviewState.DISMISSED
    assert "本站链接检测受防火墙影响" in new.review_reason
    assert _state(other_rule) == ReviewState.PENDING


def test_a_decision_never_overrides_an_explicit_one():
    w = build(publish=False)
    inspector = Scope.for_user(w.users["inspector"])
    cur, a = w.rounds["cur"], w.sites["A"]
    other = _finding(cur, a, "GI-L001", "W-D22", "other", a.homepage + "z.html", "甲站链接")
    decide(inspector, [other], "confirm", "finding", "确实打不开")
    decide(inspector, [w.findings["A-link"]], "dismiss", "rule_site", "误报")
    assert _state(other) == ReviewState.CONFIRMED


def test_term_scope_applies_everywhere_and_url_scope_to_one_url():
    w = build(publish=False)
    inspector = Scope.for_user(w.users["inspector"])
    made = decide(inspector, [w.findings["A-term"]], "dismiss", "term", "本市专名，不是错别字")
    assert made[0].term == TERM
    for key in ("A-term", "C-term"):
        assert _state(w.findings[key]) == ReviewState.DISMISSED
    assert _state(w.findings["B-term"]) == ReviewState.CONFIRMED  # decided by a person before

    cur, a = w.rounds["cur"], w.sites["A"]
    same_url = _finding(cur, a, "GI-L001", "W-D22", "other", w.findings["A-link"].url,
                        "甲站链接", parent=a.homepage + "other.html")
    other_url = _finding(cur, a, "GI-L001", "W-D22", "other", a.homepage + "q.html", "甲站链接")
    decide(inspector, [w.findings["A-link"]], "dismiss", "url", "该地址可以访问")
    assert _state(same_url) == ReviewState.DISMISSED
    assert _state(other_url) == ReviewState.PENDING
    with pytest.raises(DecisionError, match="没有标出词语"):
        decide(inspector, [other_url], "dismiss", "term", "无词语")


def test_expired_decisions_do_not_apply_and_revoke_restores():
    w = build(publish=False)
    inspector = Scope.for_user(w.users["inspector"])
    a = w.sites["A"]
    from django.utils import timezone

    today = timezone.localdate()
    # the round is in 2022 and "today" is later: a decision expiring today still reaches it
    d = decide(inspector, [w.findings["A-link"]], "dismiss", "rule_site", "误报", today)[0]
    later = _later_round(w, "FUTURE", days=(today - T.date()).days + 30)
    row = _finding(later, a, "GI-L001", "W-D22", "other", a.homepage + "n.html", "甲站链接")
    assert apply_decisions(later) == 0 and _state(row) == ReviewState.PENDING

    assert revoke(inspector, d) == 1
    assert _state(w.findings["A-link"]) == ReviewState.PENDING
    with pytest.raises(DecisionError, match="已撤销"):
        revoke(inspector, d)


def test_rules_of_deciding():
    w = build(publish=False)
    inspector = Scope.for_user(w.users["inspector"])
    with pytest.raises(DecisionError, match="理由"):
        decide(inspector, [w.findings["A-link"]], "dismiss", "finding", "  ")
    with pytest.raises(DecisionError, match="只有组织单位和检查员"):
        decide(Scope.for_user(w.users["A"]), [w.findings["A-link"]], "dismiss", "finding", "x")
    with pytest.raises(DecisionError, match="有效期"):
        decide(inspector, [w.findings["A-link"]], "dismiss", "finding", "x",
               dt.date(2000, 1, 1))


def test_published_round_is_frozen():
    w = build(publish=True)
    inspector = Scope.for_user(w.users["inspector"])
    with pytest.raises(DecisionError, match="已发布"):
        decide(inspector, [w.findings["A-link"]], "dismiss", "finding", "误报")
    assert apply_decisions(w.rounds["cur"]) == 0


def test_review_queue_holds_suspected_and_flagged_findings():
    w = build(publish=False)
    cur = w.rounds["cur"]
    queue = {f.pk for f in review_queue(cur)}
    assert w.findings["A-term"].pk in queue  # 疑似 W-V1, waits for a person
    assert w.findings["A-link"].pk not in queue  # certain: counts already
    assert w.findings["B-term"].pk not in queue  # decided
    flag(w.findings["A-link"], w.users["inspector"], "页面上链接正常，请复核")
    assert w.findings["A-link"].pk in {f.pk for f in review_queue(cur)}
    decide(Scope.for_user(w.users["inspector"]), [w.findings["A-link"]], "confirm", "finding",
           "复核后确认")
    assert w.findings["A-link"].pk not in {f.pk for f in review_queue(cur)}
