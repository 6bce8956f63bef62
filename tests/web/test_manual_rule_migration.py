"""rectify 0004: items and decisions of findings entered by hand move from the unregistered
``MANUAL`` ids to the registered rules GI-M001 / GI-NM102, with their group ids and
fingerprints recomputed as the current code computes them."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from django.apps import apps

from govinspect.core.types import Evidence, Finding
from govinspect.reports.rectification import group_key
from govinspect.web.rectify.models import Item
from govinspect.web.roster.models import Site, Unit
from govinspect.web.rounds.models import Round

migration = importlib.import_module("govinspect.web.rectify.migrations.0004_manual_rule_ids")


@pytest.mark.django_db
def test_manual_items_get_registered_rule_ids_and_matching_fingerprints():
    unit = Unit.objects.create(name="示例市发展和改革委员会", level="市直", region="市直")
    site = Site.objects.create(code="3411000002", name="示例市发展和改革委员会",
                               homepage="http://fgw.shishi.gov.cn/", kind="部门", unit=unit)
    t = dt.datetime(2022, 6, 30, tzinfo=dt.UTC)
    r = Round.objects.create(name="2022Q2", reference_time=t, window_start=t - dt.timedelta(7),
                             window_end=t)
    url = "http://fgw.shishi.gov.cn/ysqgk/"
    old = Item.objects.create(round=r, unit=unit, site=site, group_id="old", rule_id="MANUAL.W-D16",
                              indicator_id="W-D16", item="cannot_submit", title="信息提交",
                              message="依申请公开表单无法提交", pages=[url], fingerprints=["x"],
                              deadline=dt.date(2022, 7, 30))
    auto = Item.objects.create(round=r, unit=unit, site=site, group_id="auto", rule_id="GI-L001",
                               indicator_id="W-D22", item="other", title="不可用链接",
                               message="链接不可用", pages=[url], fingerprints=["y"],
                               deadline=dt.date(2022, 7, 30))
    migration.forward(apps, None)
    old.refresh_from_db()
    auto.refresh_from_db()
    now = Finding(rule_id="GI-M001", indicator_id="W-D16", subject=site.code, message="",
                  evidence=Evidence(url=url), item="cannot_submit")
    assert old.rule_id == "GI-M001"
    assert old.fingerprints == [now.fingerprint]
    assert old.group_id == group_key(now, str(unit.pk)).id
    assert (auto.rule_id, auto.group_id, auto.fingerprints) == ("GI-L001", "auto", ["y"])
    assert migration.new_rule("MANUAL.NM-V3") == "GI-NM102"
