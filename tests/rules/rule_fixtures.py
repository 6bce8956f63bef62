"""Rule fixtures as data: ``tests/rules/fixtures/<RULE-ID>/<case>.yaml``, one folder per rule.

A case is the input of one run of the rule through the engine plus the findings expected:

    # provenance: where the markup comes from
    description: 一句话说明
    set: national-2019                       # indicator set (default)
    reference_time: 2022-06-30T17:00:00+08:00
    site: {code, name, homepage, kind, hosts}  # default: 示例市发展和改革委员会
    pages:                                   # page and site scopes: captured pages, in order
      - url: http://fgw.shishi.gov.cn/
        file: home.html                      # beside the YAML (or ``html:`` inline, or
                                             # ``realpage: <id>``: a page of
                                             # ../shared/data/realpages, read there, never copied)
        status: 200                          # default 200; content_type, fetched_at too
    link_checks / transport / search / collected / traps / faults / probes / first_seen:
                                             # what the collector and prober recorded
    accounts / tasks / found / registry:     # account scope (core.newmedia types)
    manual: {accounts, checks, entries}      # manual scope
    failure: {rule_id, subject, url, error}  # engine scope (none: the case's pages through
                                             # every page and site rule, none of which fails)
    expect:                                  # [] for a negative case
      - {rule: GI-L001, indicator: W-D22, item: other, url: http://…}   # url optional

Values are turned into the engine's typed inputs field by field (``build``), so a fixture
names exactly what a rule sees. ``run_case`` runs only the rule under test (its selection).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import types
import typing
from pathlib import Path
from typing import Any

import yaml

from govinspect.core.indicator_sets import load_indicator_set
from govinspect.core.newmedia import AccountEntry, AccountFacts, AccountRef, InspectionRecord
from govinspect.core.probes import ProbeResult
from govinspect.core.types import (
    CaptureRecord,
    Finding,
    LinkCheck,
    SearchFacts,
    SiteKind,
    SiteRef,
    TransportFacts,
)
from govinspect.rules.base import REGISTRY, Scope, all_rules
from govinspect.rules.engine import Selection, analyse_round_pages, run_scope
from govinspect.rules.inputs import (
    AccountCheckEntry,
    AccountsInput,
    ManualInput,
    PageInput,
    ProbeInput,
    RoundContext,
    RuleFailure,
)

FIXTURES = Path(__file__).parent / "fixtures"
# The hand-labelled real pages are internal test data outside the project (their README: do not
# copy them into it): fixtures name them, the loader reads them where they are.
REALPAGES = Path(__file__).resolve().parents[3] / "shared" / "data" / "realpages"
if not REALPAGES.is_dir():  # a worktree elsewhere: the team's shared folder
    REALPAGES = Path("/work/shared/data/realpages")


class MissingRealPage(LookupError):
    """A fixture names a real page that is not on this machine."""


def realpage(page_id: str) -> tuple[str, bytes]:
    """(original URL, bytes) of one of the shared real pages."""
    path = REALPAGES / "pages" / f"{page_id}.html"
    if not path.is_file():
        raise MissingRealPage(f"{path} (the shared real pages) is absent")
    labels = {}
    for line in (REALPAGES / "labels.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = yaml.safe_load(line)
            labels[row["id"]] = row
    return labels.get(page_id, {}).get("url") or f"http://{page_id}.invalid/", path.read_bytes()
T = "2022-06-30T17:00:00+08:00"
FETCHED = "2022-06-30T08:00:00Z"
SITE = {"code": "3411000002", "name": "示例市发展和改革委员会",
        "homepage": "http://fgw.shishi.gov.cn/", "kind": "部门", "hosts": ["fgw.shishi.gov.cn"]}


def build(cls: Any, value: Any) -> Any:
    """``value`` (from YAML) as an instance of the annotated type ``cls``."""
    if value is None:
        return None
    origin = typing.get_origin(cls)
    if origin in (typing.Union, types.UnionType):
        options = [a for a in typing.get_args(cls) if a is not type(None)]
        for option in options:
            try:
                return build(option, value)
            except (TypeError, ValueError, KeyError):
                continue
        raise ValueError(f"{value!r} fits none of {options}")
    if origin in (tuple, list):
        args = [a for a in typing.get_args(cls) if a is not Ellipsis] or [Any]
        items = [build(args[0], v) for v in value]
        return tuple(items) if origin is tuple else items
    if origin is dict:
        key_t, value_t = typing.get_args(cls) or (Any, Any)
        return {build(key_t, k): build(value_t, v) for k, v in value.items()}
    if cls is Any or cls is object:
        return value
    if dataclasses.is_dataclass(cls):
        hints = typing.get_type_hints(cls)
        known = {f.name for f in dataclasses.fields(cls) if f.init}
        unknown = set(value) - known
        if unknown:
            raise KeyError(f"{cls.__name__}: unknown fields {sorted(unknown)}")
        return cls(**{k: build(hints[k], v) for k, v in value.items()})
    if isinstance(cls, type) and issubclass(cls, enum.Enum):
        return cls(value)
    if cls is dt.datetime:
        return value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))
    if cls is dt.date:
        return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
    if cls in (str, int, float, bool):
        if cls is str and not isinstance(value, str):
            return value.isoformat() if isinstance(value, dt.date | dt.datetime) else str(value)
        return cls(value)
    return value


def load_case(path: Path) -> dict:
    case = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    case["_path"] = path
    return case


def cases(rule_id: str) -> list[Path]:
    return sorted((FIXTURES / rule_id).glob("*.yaml"))


def _site(case: dict) -> SiteRef:
    s = {**SITE, **(case.get("site") or {})}
    return SiteRef(str(s["code"]), s["name"], s["homepage"], SiteKind(s["kind"]),
                   tuple(s.get("hosts") or ()))


def _pages(case: dict, site: SiteRef) -> list[PageInput]:
    out = []
    for p in case.get("pages") or []:
        url = p.get("url")
        if "realpage" in p:
            real_url, body = realpage(p["realpage"])
            url = url or real_url
        elif "file" in p:
            body = (case["_path"].parent / p["file"]).read_bytes()
        else:
            body = str(p.get("html", "")).encode(p.get("encoding", "utf-8"))
        capture = CaptureRecord(site.code, url, p.get("final_url", url), int(p.get("status", 200)),
                                p.get("content_type", "text/html; charset=utf-8"),
                                str(p.get("fetched_at", FETCHED)), int(p.get("depth", 1)),
                                p.get("parent_url"), "fixture.warc.gz", 0, "")
        out.append(PageInput(capture, body))
    return out


def context(case: dict) -> RoundContext:
    t = case.get("reference_time", T)
    t = t if isinstance(t, dt.datetime) else dt.datetime.fromisoformat(str(t))
    return RoundContext(t, load_indicator_set(case.get("set", "national-2019")),
                        case.get("round", "2022Q2"),
                        portal_hosts=tuple(case.get("portal_hosts") or ()))


def run_case(rule_id: str, case: dict) -> list[Finding]:
    """The rule's findings on the case, through the engine, with only this rule selected."""
    rule = REGISTRY.get(rule_id) or {r.id: r for r in all_rules()}[rule_id]
    ctx = context(case)
    only = Selection.of([rule_id])
    if rule.scope in (Scope.PAGE, Scope.SITE):
        site = _site(case)
        code = site.code
        first_seen = {url: (dt.datetime.fromisoformat(str(when)), name)
                      for url, (when, name) in (case.get("first_seen") or {}).items()}
        found = analyse_round_pages(
            [site], _pages(case, site),
            [build(LinkCheck, {"site_code": code, **c}) for c in case.get("link_checks") or []],
            ctx,
            transport={code: build(TransportFacts, case["transport"])}
            if case.get("transport") else None,
            search={code: build(SearchFacts, case["search"])} if case.get("search") else None,
            collected={code: case["collected"]} if case.get("collected") else None,
            traps={code: case["traps"]} if case.get("traps") else None,
            faults={code: case["faults"]} if case.get("faults") else None,
            probes={code: [build(ProbeResult, p) for p in case.get("probes") or []]},
            first_seen={code: first_seen} if first_seen else None,
            selection=only)
        return found[code]
    if rule.scope == Scope.PROBE:
        site = _site(case)
        data = ProbeInput(site, tuple(build(ProbeResult, p) for p in case.get("probes") or []))
        return run_scope(Scope.PROBE, data, ctx, only, subject=site.code, url=site.homepage)
    if rule.scope == Scope.ACCOUNT:
        from govinspect.rules.newmedia import RepostTask

        data = AccountsInput(
            tuple(build(AccountFacts, a) for a in case.get("accounts") or []),
            tuple(build(RepostTask, t) for t in case.get("tasks") or []),
            tuple(build(InspectionRecord, r) for r in case.get("found") or []),
            tuple(build(AccountRef, r) for r in case.get("registry") or []))
        return run_scope(Scope.ACCOUNT, data, ctx, only)
    if rule.scope == Scope.MANUAL:
        m = case.get("manual") or {}
        data = ManualInput(tuple(build(AccountEntry, a) for a in m.get("accounts") or []),
                           tuple(build(AccountCheckEntry, c) for c in m.get("checks") or []),
                           tuple(build(Finding, f) for f in m.get("entries") or []))
        return run_scope(Scope.MANUAL, data, ctx, only)
    if rule.scope == Scope.ENGINE and case.get("failure"):
        return run_scope(Scope.ENGINE, build(RuleFailure, case["failure"]), ctx, only)
    if rule.scope == Scope.ENGINE:  # a round where every rule runs: no failure to report
        site = _site(case)
        found = analyse_round_pages([site], _pages(case, site), [], ctx)[site.code]
        return [f for f in found if f.rule_id == rule_id]
    raise AssertionError(f"{rule_id}: no fixture runner for scope {rule.scope}")


def summary(findings: list[Finding], with_url: set[int] | None = None) -> list[dict]:
    """Findings as the fixtures write them (rule, indicator, item, url)."""
    return sorted(({"rule": f.rule_id, "indicator": f.indicator_id, "item": f.item,
                    "url": f.evidence.url} for f in findings),
                  key=lambda d: (d["rule"], d["indicator"], d["item"], d["url"]))
