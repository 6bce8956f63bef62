"""Loads the golden fixture (fixtures/chuzhou-2022q2.yaml) into the engine's inputs."""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path

import yaml

from govinspect.core.indicator_sets import load_indicator_set
from govinspect.core.newmedia import AccountEntry
from govinspect.core.types import Evidence, Finding, SiteKind, SiteRef
from govinspect.indicators.inquiries import Inquiry
from govinspect.indicators.round import SiteEntry, score_round
from govinspect.reports.notice import NoticeMeta

FIXTURE = Path(__file__).parent / "fixtures" / "chuzhou-2022q2.yaml"
SEED = Path(__file__).resolve().parents[3] / "shared/seed/000_90eea2c78ffc07d3.txt"


def _when(value: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value else None


def manual(subject: str, indicator: str, item: str, n: int, host: str) -> Finding:
    return Finding(rule_id="MANUAL", indicator_id=indicator, subject=subject,
                   message=f"{indicator} {item}", item=item,
                   evidence=Evidence(url=f"{host}/{indicator}/{item}/{n}"))


@cache
def load() -> dict:
    return yaml.safe_load(FIXTURE.read_text(encoding="utf-8"))


def inputs(data: dict | None = None):
    data = data or load()
    sites, findings = [], []
    for s in data["sites"]:
        ref = SiteRef(s["code"], s["name"], s["homepage"], SiteKind(s["kind"]))
        sites.append(SiteEntry(ref, s["region"], s["short"], s.get("base")))
        for indicator, item, count in (s.get("findings") or []) + (s.get("bonus") or []):
            findings += [manual(s["code"], indicator, item, n, s["homepage"])
                         for n in range(count)]
    accounts = [AccountEntry(code, name, platform, region, owner, _when(last))
                for code, name, platform, region, owner, last in data["accounts"]]
    for code, indicator, item, count in data["account_findings"]:
        findings += [manual(code, indicator, item, n, code) for n in range(count)]
    inquiries = [Inquiry(code, _when(asked), _when(answered), effective)
                 for code, asked, answered, effective in data["inquiries"]]
    return sites, findings, accounts, inquiries


def run(data: dict | None = None):
    data = data or load()
    r = data["round"]
    iset = load_indicator_set(r["indicator_set"])
    sites, findings, accounts, inquiries = inputs(data)
    summary = score_round(iset, sites, findings, accounts=accounts,
                          reference_time=_when(r["reference_time"]), inquiries=inquiries,
                          previous=data["previous"], regions=data["regions"])
    meta = NoticeMeta(r["issuer"], r["year"], r["quarter"],
                      dt.date.fromisoformat(r["check_start"]),
                      dt.date.fromisoformat(r["check_end"]),
                      dt.date.fromisoformat(r["issued_on"]),
                      dt.date.fromisoformat(r["rectify_deadline"]),
                      data.get("openness_text", ""))
    return iset, summary, meta
