"""Rectification: publication makes the items (grouped as the 整改清单 groups), states move
only as allowed, and the audit trail is append-only in the model, the queryset and the DB."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, connection, transaction
from django.db.models import ProtectedError
from workspace_scenario import T, _finding, build

from govinspect.web.accounts.scope import Scope
from govinspect.web.rectify.models import AppendOnlyError, AuditEntry, Item, ItemState
from govinspect.web.rectify.services import (
    RectifyError,
    allowed_moves,
    overdue,
    publish_round,
    transition,
)

pytestmark = pytest.mark.django_db


def test_publication_groups_findings_into_items():
    w = build(publish=False)
    cur, a = w.rounds["cur"], w.sites["A"]
    for i in range(5):  # the same problem on five more pages: still one item
        _finding(cur, a, "GI-L001", "W-D22", "homepage", f"{a.homepage}dead{i}.html",
                 "甲站首页链接不可用", parent=a.homepage)
    result = publish_round(cur, w.users["office"], dt.date(2022, 7, 14))
    items = Item.objects.filter(round=cur, site=a)
    link = items.get(rule_id="GI-L001")
    assert len(link.pages) == 6 and link.findings.count() == 6
    assert link.message == "甲站首页链接不可用（等6处）"
    assert link.title == "可用性：首页存在不可用链接"
    assert link.counted  # certain: deducts
    term = items.get(rule_id="GI-T001")
    assert not term.counted  # 疑似 W-V1, not confirmed: listed for reference
    # one item per (unit, subject, indicator, rule, item), accounts included
    assert result.items == Item.objects.filter(round=cur).count() == 7
    assert Item.objects.filter(round=cur, account=w.accounts["B"]).count() == 1
    first = link.audit.get()
    assert (first.from_state, first.to_state, first.actor) == ("", ItemState.OPEN,
                                                              w.users["office"])
    with pytest.raises(RectifyError, match="已发布"):
        publish_round(cur, w.users["office"])


def test_items_follow_the_grouping_function():
    """Same findings → the same groups as reports.rectification.group_findings."""
    from govinspect.core.indicator_sets import load_indicator_set
    from govinspect.reports.rectification import group_findings
    from govinspect.web.rectify.services import rectification_findings

    w = build(publish=False)
    cur = w.rounds["cur"]
    found = rectification_findings(cur, load_indicator_set(cur.indicator_set))
    units = {s.code: str(s.unit_id) for s in w.sites.values()}
    units.update({a.code: str(a.unit_id) for a in w.accounts.values()})
    groups = group_findings([f for f, _ in found], units)
    publish_round(cur, w.users["office"])
    assert sorted(Item.objects.filter(round=cur).values_list("group_id", flat=True)) == \
        sorted(g.key.id for g in groups)


def test_states_move_only_as_allowed():
    w = build()
    unit_a, inspector = Scope.for_user(w.users["A"]), Scope.for_user(w.users["inspector"])
    item = w.items["A"]
    assert allowed_moves(unit_a, item) == [ItemState.FIXED]
    assert allowed_moves(inspector, item) == []
    with pytest.raises(RectifyError, match="说明"):
        transition(unit_a, item, ItemState.FIXED, "")
    with pytest.raises(RectifyError):
        transition(inspector, item, ItemState.FIXED, "代为整改")
    with pytest.raises(RectifyError, match="没有找到"):
        transition(Scope.for_user(w.users["B"]), item, ItemState.FIXED, "不是我的")
    entry = transition(unit_a, item, ItemState.FIXED, "已删除失效链接",
                       SimpleUploadedFile("截图.png", b"\x89PNG fake"))
    assert entry.file and entry.file.read() == b"\x89PNG fake"
    with pytest.raises(RectifyError):
        transition(unit_a, item, ItemState.VERIFIED, "自己核验")
    transition(inspector, item, ItemState.FAILED, "页面上链接仍然存在")
    transition(unit_a, item, ItemState.FIXED, "已再次修改")
    transition(inspector, item, ItemState.VERIFIED, "复查通过")
    item.refresh_from_db()
    assert item.state == ItemState.VERIFIED
    trail = [(e.from_state, e.to_state, e.actor.username) for e in item.audit.all()]
    assert trail == [("", "待整改", w.users["office"].username),
                     ("待整改", "已整改", w.users["A"].username),
                     ("已整改", "未通过", w.users["inspector"].username),
                     ("未通过", "已整改", w.users["A"].username),
                     ("已整改", "已核验", w.users["inspector"].username)]


def test_overdue_lists_items_waiting_past_their_deadline():
    w = build()  # deadline 2022-07-14: long past
    qs = Item.objects.filter(round=w.rounds["cur"])
    late = set(overdue(qs).values_list("pk", flat=True))
    assert w.items["A"].pk in late
    assert w.items["B"].pk not in late  # marked 已整改: waits for the office, not the unit
    Item.objects.filter(pk=w.items["A"].pk).update(deadline=dt.date.today() + dt.timedelta(1))
    assert w.items["A"].pk not in set(overdue(qs).values_list("pk", flat=True))


def test_audit_entries_cannot_be_changed_or_removed():
    w = build()
    entry = w.entries["B"]
    entry.reason = "改写历史"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).update(reason="改写历史")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.bulk_update([entry], ["reason"])
    # below the ORM, the database refuses too
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE rectify_auditentry SET reason = 'x' WHERE id = %s", [entry.pk])
    # and nothing removes them from above: items and rounds with a trail stay
    with pytest.raises(ProtectedError):
        w.items["B"].delete()
    with pytest.raises(ProtectedError):
        w.rounds["cur"].delete()
    assert AuditEntry.objects.get(pk=entry.pk).reason == "乙站已修复链接"


def test_publication_opens_the_round_to_units():
    w = build(publish=False)
    unit_a = Scope.for_user(w.users["A"])
    assert not unit_a.rounds().exists() and not unit_a.findings().exists()
    publish_round(w.rounds["cur"], w.users["office"], T.date())
    assert list(unit_a.rounds()) == [w.rounds["cur"]]
    assert set(unit_a.findings().values_list("site__code", flat=True)) == {w.sites["A"].code}
