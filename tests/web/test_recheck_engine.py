"""The re-check runs one rule through the engine; a rule that fails is an error of the
re-check, never a passed (已核验) item."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from govinspect.core.types import CaptureRecord
from govinspect.rules.analyse import PageInput
from govinspect.rules.base import REGISTRY, all_rules
from govinspect.web.rectify import recheck
from govinspect.web.roster.models import Site, Unit
from govinspect.web.rounds.models import Round

HOME = ("<html><head><title>示例市发展和改革委员会</title></head><body><h1>示例市发展和改革委员会</h1>"
        "<div class='footer'>主办单位：示例市发展和改革委员会 网站标识码：3411000002</div></body></html>")


@pytest.fixture
def round_site(db):
    unit = Unit.objects.create(name="示例市发展和改革委员会", level="市直", region="市直")
    site = Site.objects.create(code="3411000002", name="示例市发展和改革委员会",
                               homepage="http://fgw.shishi.gov.cn/", kind="部门", unit=unit)
    t = dt.datetime(2022, 6, 30, tzinfo=dt.UTC)
    r = Round.objects.create(name="2022Q2", reference_time=t, window_start=t - dt.timedelta(7),
                             window_end=t)
    r.sites.add(site)
    return r, site


def _page(site):
    url = site.homepage
    return [PageInput(CaptureRecord(site.code, url, url, 200, "text/html; charset=utf-8",
                                    "2022-06-30T08:00:00Z", 0, None, "", 0, ""), HOME.encode())]


def test_recheck_runs_the_one_rule(round_site):
    r, site = round_site
    found = recheck.run_rule("GI-W003", site.to_ref(), _page(site), [], r)
    assert {f.rule_id for f in found} == {"GI-W003"}  # no 找错 entry on the page


def test_a_failing_rule_fails_the_recheck(round_site, monkeypatch):
    r, site = round_site
    monkeypatch.setenv("GOVINSPECT_RULES_STRICT", "0")
    all_rules()

    def broken(data, ctx):
        raise ValueError("模板解析失败")

    monkeypatch.setitem(REGISTRY, "GI-W003", dataclasses.replace(REGISTRY["GI-W003"], check=broken))
    with pytest.raises(recheck.RecheckError, match="GI-W003"):
        recheck.run_rule("GI-W003", site.to_ref(), _page(site), [], r)


def test_every_rule_declares_how_it_is_rechecked():
    """The re-check reads the registry (Rule.recheck), no list of rule ids of its own; a rule
    whose re-check would not feed what it reads cannot be declared."""
    from govinspect.core.types import Finding
    from govinspect.rules.base import RecheckMode, Rule, Scope

    modes = {r.id: recheck.recheck_of(r.id) for r in all_rules()}
    assert modes["GI-L001"] == RecheckMode.LINKS and modes["GI-W001"] == RecheckMode.ROSTER
    assert {i for i, m in modes.items() if m == RecheckMode.PAGES} >= {"GI-T001", "GI-S001",
                                                                     "GI-W003"}
    assert modes["GI-C001"] == RecheckMode.MANUAL  # column freshness needs the whole site
    assert recheck.recheck_of("GI-NO-SUCH") == RecheckMode.MANUAL

    def nothing(data, ctx) -> list[Finding]:
        return []

    doc = dict(title="t", indicators=("W-V1",), what="w", why="w", example="e", fix="f",
               basis="b", check=nothing, emits=(("W-V1", "harmful_content"),))
    with pytest.raises(ValueError, match="re-check"):
        Rule(id="GI-Z901", scope=Scope.SITE, needs=("hosts",), recheck=RecheckMode.LINKS, **doc)
    with pytest.raises(ValueError, match="re-check"):
        Rule(id="GI-Z902", scope=Scope.PAGE, recheck=RecheckMode.ROSTER, **doc)
    assert Rule(id="GI-Z903", scope=Scope.PAGE, recheck=RecheckMode.PAGES, **doc).recheck == "pages"
