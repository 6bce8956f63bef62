"""The review queue's bulk actions through the views (what the browser test does not cover)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from workspace_scenario import PASSWORD, build

from govinspect.web.rounds.models import ReviewState

pytestmark = pytest.mark.django_db


def test_bulk_decision_on_every_finding_of_a_rule_in_the_queue(client):
    w = build(publish=False)
    cur = w.rounds["cur"]
    client.login(username=w.users["inspector"].username, password=PASSWORD)
    page = client.get(reverse("workspace:review", args=[cur.pk]), {"rule": "GI-T001"})
    assert page.status_code == 200 and "共 2 条" in page.content.decode()
    response = client.post(reverse("workspace:review_decide", args=[cur.pk]), {
        "all": "1", "rule": "GI-T001", "verdict": "dismiss", "scope": "finding",
        "reason": "均为本市专有名称", "expires_on": "2099-12-31"})
    assert response.status_code == 302
    for key, state in (("A-term", ReviewState.DISMISSED), ("C-term", ReviewState.DISMISSED),
                       ("B-term", ReviewState.CONFIRMED), ("A-link", ReviewState.PENDING)):
        w.findings[key].refresh_from_db()
        assert w.findings[key].review_state == state, key
    queue = client.get(reverse("workspace:review", args=[cur.pk])).content.decode()
    assert "共 0 条" in queue


def test_bulk_decision_needs_a_selection_and_a_reason(client):
    w = build(publish=False)
    cur = w.rounds["cur"]
    client.login(username=w.users["inspector"].username, password=PASSWORD)
    url = reverse("workspace:review_decide", args=[cur.pk])
    client.post(url, {"verdict": "dismiss", "scope": "finding", "reason": "x",
                      "expires_on": "2099-12-31"}, follow=True)
    picked = {"findings": [w.findings["A-term"].pk], "verdict": "dismiss", "scope": "finding",
              "reason": "", "expires_on": "2099-12-31"}
    page = client.post(url, picked, follow=True).content.decode()
    assert "理由" in page
    w.findings["A-term"].refresh_from_db()
    assert w.findings["A-term"].review_state == ReviewState.PENDING
