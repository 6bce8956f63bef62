"""The rule engine: every registered rule runs through it, a rule added to the registry runs
in a round without touching any other file, and what a rule returns is held to its
declaration."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from govinspect.core.indicator_sets import load_indicator_set
from govinspect.core.newmedia import AccountEntry, AccountFacts, AccountRef
from govinspect.core.probes import ProbeOutcome, ProbeResult
from govinspect.core.roster import Platform
from govinspect.core.types import CaptureRecord, Confidence, Evidence, Finding, SiteKind, SiteRef
from govinspect.rules import base
from govinspect.rules.base import REGISTRY, Rule, Scope, all_rules, register, unregister
from govinspect.rules.engine import (
    RuleContractError,
    Selection,
    analyse_round_pages,
    check_declarations,
    run_rule,
    run_scope,
)
from govinspect.rules.inputs import (
    AccountCheckEntry,
    AccountsInput,
    ManualInput,
    PageInput,
    ProbeInput,
    RoundContext,
    RuleFailure,
)

T = dt.datetime.fromisoformat("2022-06-30T17:00:00+08:00")
SITE = SiteRef("3411000002", "示例市发展和改革委员会", "http://fgw.shishi.gov.cn/",
               SiteKind.DEPARTMENT, ("fgw.shishi.gov.cn",))
HOME = ("<html><head><title>示例市发展和改革委员会</title></head><body>"
        "<div class='header'><h1>示例市发展和改革委员会</h1></div>"
        "<div class='news'><ul><li><a href='/xwdt/t20220628_1.html'>我委召开安全生产工作会议</a>"
        "<span>2022-06-28</span></li></ul></div>"
        "<div class='footer'>主办单位：示例市发展和改革委员会 网站标识码：3411000002 "
        "皖ICP备05001234号</div></body></html>").encode()


def ctx(set_id: str = "national-2019") -> RoundContext:
    return RoundContext(T, load_indicator_set(set_id), "2022Q2")


def capture(url: str, status: int = 200, content_type: str = "text/html; charset=utf-8"):
    return CaptureRecord(SITE.code, url, url, status, content_type, "2022-06-30T08:00:00Z", 0,
                         None, "t.warc.gz", 0, "")


@pytest.fixture
def spied(monkeypatch):
    """Every registered rule wrapped so that its calls are counted (the registry restored
    afterwards)."""
    calls: dict[str, int] = {}
    for rule in all_rules():
        def check(data, c, _inner=rule.check, _id=rule.id):
            calls[_id] = calls.get(_id, 0) + 1
            return _inner(data, c)
        monkeypatch.setitem(REGISTRY, rule.id, dataclasses.replace(rule, check=check))
    return calls


def _round_everything(selection: Selection | None, strict: bool = True) -> None:
    """One small round through every scope of the engine."""
    c = ctx()
    attachment = PageInput(capture("http://fgw.shishi.gov.cn/fj/名单.xlsx",
                                   content_type="application/octet-stream"), b"not a workbook")
    analyse_round_pages([SITE], [PageInput(capture(SITE.homepage), HOME), attachment], [], c,
                        selection=selection)
    probes = tuple(ProbeResult(slot=i, planned_at=T, outcome=ProbeOutcome.OK, status=200,
                               latency_ms=120) for i in range(3))
    run_scope(Scope.PROBE, ProbeInput(SITE, probes), c, selection)
    account = AccountRef("NM3411000001", Platform.WECHAT_OA, "示例发改", "示例市发展和改革委员会")
    run_scope(Scope.ACCOUNT, AccountsInput((AccountFacts(account=account, captured_at=T),)), c,
              selection)
    run_scope(Scope.MANUAL, ManualInput(
        accounts=(AccountEntry("NM3411000001", "示例发改", "微信", "市直", "示例市发展和改革委员会",
                               T - dt.timedelta(days=30), ""),),
        checks=(AccountCheckEntry("NM3411000001", "示例发改", "微信", False),)), c, selection)
    run_scope(Scope.ENGINE, RuleFailure("GI-L001", SITE.code, SITE.homepage, "ValueError"), c,
              selection)


def test_every_registered_rule_is_run_by_the_engine(spied):
    _round_everything(None)
    default = {r.id for r in all_rules() if r.by_default}
    assert default <= set(spied), f"never run: {sorted(default - set(spied))}"
    spied.clear()
    _round_everything(Selection.of(r.id for r in all_rules()))
    assert set(spied) == set(REGISTRY), f"never run: {sorted(set(REGISTRY) - set(spied))}"


def test_every_rule_declares_what_the_shipped_indicator_sets_know():
    for set_id in ("national-2019", "chuzhou-2022"):
        check_declarations(all_rules(), load_indicator_set(set_id))


def _rule(rule_id: str, check, **kw) -> Rule:
    return Rule(id=rule_id, title="测试规则", indicators=("W-D21",), what="测试", why="测试",
                example="<p>测试</p>", fix="测试", basis="测试", check=check,
                **{"scope": Scope.SITE, "emits": (("W-D21", "missing_item"),), **kw})


def _footer_finding(rule_id: str, data) -> Finding:
    return Finding(rule_id=rule_id, indicator_id="W-D21", subject=data.site.code,
                   message="测试：页脚缺少网站标识码", evidence=Evidence(url=data.site.homepage),
                   confidence=Confidence.CERTAIN, item="missing_item")


@pytest.fixture
def temporary_rules():
    added: list[str] = []
    all_rules()

    def add(rule: Rule) -> Rule:
        added.append(rule.id)
        return register(rule)

    yield add
    for rule_id in added:
        unregister(rule_id)


def test_a_rule_added_to_the_registry_runs_in_a_round(temporary_rules):
    temporary_rules(_rule("GI-Z901", lambda data, c: [_footer_finding("GI-Z901", data)]))
    found = analyse_round_pages([SITE], [PageInput(capture(SITE.homepage), HOME)], [], ctx())
    assert [f.rule_id for f in found[SITE.code]].count("GI-Z901") == 1
    only = analyse_round_pages([SITE], [PageInput(capture(SITE.homepage), HOME)], [], ctx(),
                               selection=Selection.of(["GI-Z901"]))
    assert [f.rule_id for f in only[SITE.code]] == ["GI-Z901"]


def test_a_page_rule_added_to_the_registry_sees_every_html_page(temporary_rules):
    seen = []
    temporary_rules(_rule("GI-Z902", lambda page, c: seen.append(page.facts.title) or [],
                          scope=Scope.PAGE))
    analyse_round_pages([SITE], [PageInput(capture(SITE.homepage), HOME)], [], ctx(),
                        selection=Selection.of(["GI-Z902"]))
    assert seen == ["示例市发展和改革委员会"]


def test_an_undeclared_finding_is_rejected(temporary_rules):
    def wrong_item(data, c):
        return [dataclasses.replace(_footer_finding("GI-Z903", data), item="not_declared")]

    rule = temporary_rules(_rule("GI-Z903", wrong_item))
    with pytest.raises(RuleContractError, match="GI-Z903"):
        analyse_round_pages([SITE], [PageInput(capture(SITE.homepage), HOME)], [], ctx(),
                            selection=Selection.of(["GI-Z903"]))
    # outside strict mode: the finding is dropped and the failure reported (GI-E001)
    from govinspect.rules.inputs import SiteInput

    out = run_rule(rule, SiteInput(SITE), ctx(), subject=SITE.code, url=SITE.homepage,
                   strict=False)
    assert [(f.rule_id, f.details["rule"]) for f in out] == [("GI-E001", "GI-Z903")]


def test_a_finding_under_another_rule_id_is_rejected(temporary_rules):
    temporary_rules(_rule("GI-Z904", lambda data, c: [_footer_finding("GI-W002", data)]))
    with pytest.raises(RuleContractError, match="GI-W002"):
        analyse_round_pages([SITE], [], [], ctx(), selection=Selection.of(["GI-Z904"]))


def test_a_declared_item_the_indicator_set_does_not_know_is_rejected(temporary_rules):
    temporary_rules(_rule("GI-Z905", lambda data, c: [],
                          emits=(("W-D21", "no_such_item"),)))
    with pytest.raises(RuleContractError, match="no_such_item"):
        analyse_round_pages([SITE], [], [], ctx(), selection=Selection.of(["GI-Z905"]))


def test_a_rule_that_raises_is_reported_and_the_others_run(temporary_rules, monkeypatch):
    monkeypatch.setenv("GOVINSPECT_RULES_STRICT", "0")

    def broken(data, c):
        raise ValueError("day is out of range for month")

    temporary_rules(_rule("GI-Z906", broken))
    temporary_rules(_rule("GI-Z907", lambda data, c: [_footer_finding("GI-Z907", data)]))
    found = analyse_round_pages([SITE], [PageInput(capture(SITE.homepage), HOME)], [], ctx(),
                                selection=Selection.of(["GI-Z906", "GI-Z907"]))
    by_rule = {f.rule_id: f for f in found[SITE.code]}
    assert set(by_rule) == {"GI-E001", "GI-Z907"}
    failure = by_rule["GI-E001"]
    assert failure.details["rule"] == "GI-Z906" and "day is out of range" in failure.message
    assert failure.indicator_id == "ENGINE" and failure.subject == SITE.code


def test_a_rule_must_declare_what_it_emits():
    with pytest.raises(ValueError, match="declares no"):
        _rule("GI-Z908", lambda data, c: [], emits=())
    with pytest.raises(ValueError, match="not in its indicators"):
        _rule("GI-Z909", lambda data, c: [], emits=(("W-D22", "other"),))


def test_registry_is_discovered_once():
    assert all_rules() == all_rules() and base._loaded
