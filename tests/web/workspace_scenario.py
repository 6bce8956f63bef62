"""A small workspace in the database for the workspace tests: three units (甲 and 乙 in 市直,
the county 丙县 with its 教育局), a site and an account each, two rounds, findings with WARC
captures (a page with a script, an outside image and links), a published round with
rectification items, an audit entry with a file and a review decision.

Every name, code and host of unit 乙 contains a marker (``B_MARKERS``) that no page of unit
甲 may show."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from govinspect.core.types import Confidence, Evidence, Finding, Span

CST = ZoneInfo("Asia/Shanghai")
T_PREV = dt.datetime(2022, 3, 31, 17, 0, tzinfo=CST)
T = dt.datetime(2022, 6, 30, 17, 0, tzinfo=CST)
PASSWORD = "test-password-1"

A_SITE = ("3400000101", "甲市审计局网站", "http://shenji-jia.example.gov.cn/")
B_SITE = ("3400000202", "乙市统计局网站", "http://tongji-yi.example.gov.cn/")
C_SITE = ("3400000303", "丙县教育局网站", "http://jiaoyu-bing.example.gov.cn/")
B_MARKERS = ("乙市统计局", "3400000202", "tongji-yi", "乙统计发布", "乙站")
TERM = "在线办里"

PAGE = """<!DOCTYPE html><html><head><meta charset="gb2312"><title>甲市审计局</title>
<meta http-equiv="refresh" content="0;url=http://elsewhere.example.com/">
<link rel="stylesheet" href="http://cdn.example.com/site.css">
<script>document.write('<p id="ran">SCRIPT-RAN</p>')</script></head>
<body onload="document.body.innerHTML='SCRIPT-RAN'">
<h1>甲市审计局</h1>
<img src="http://tracker.example.com/pixel.png" alt="外部图片">
<p>欢迎使用{term}服务，请按指南提交材料。</p>
<p><a href="http://www.example.com/outside">外部链接</a>
<a href="/broken-link.html">办事指南</a></p>
<iframe src="http://ads.example.com/"></iframe>
</body></html>"""


@dataclass
class World:
    units: dict = field(default_factory=dict)
    sites: dict = field(default_factory=dict)
    accounts: dict = field(default_factory=dict)
    users: dict = field(default_factory=dict)
    rounds: dict = field(default_factory=dict)
    findings: dict = field(default_factory=dict)
    items: dict = field(default_factory=dict)
    entries: dict = field(default_factory=dict)
    decisions: dict = field(default_factory=dict)
    rechecks: dict = field(default_factory=dict)


def _capture(round_, site, url: str, body: bytes, content_type: str = "text/html"):
    from django.utils import timezone

    from govinspect.collect.warc import RotatingWarcWriter
    from govinspect.web.rounds.models import Capture
    from govinspect.web.rounds.services import round_dir

    writer = RotatingWarcWriter(round_dir(round_) / "collect" / "warc", 50_000_000)
    name, offset, digest = writer.write_exchange(
        url, "GET", [("User-Agent", "govinspect-test")], 200, "OK",
        [("Content-Type", content_type)], body, "127.0.0.1", timezone.now())
    writer.close()
    return Capture.objects.create(round=round_, site=site, url=url, final_url=url, status=200,
                                  content_type=content_type, fetched_at=timezone.now(),
                                  warc_file=name, warc_offset=offset, digest=digest)


def _recheck(item, body: bytes, outcome: str):
    """A finished automatic re-check of ``item`` with one re-fetched page in its own WARC."""
    from django.conf import settings
    from django.utils import timezone

    from govinspect.collect.warc import RotatingWarcWriter
    from govinspect.web.rectify.models import Recheck

    recheck = Recheck.objects.create(item=item, outcome=outcome, finished=timezone.now(),
                                     note=f"自动复查：{item.subject_name}")
    writer = RotatingWarcWriter(settings.WORKSPACE / recheck.folder / "warc", 50_000_000)
    url = item.subject.homepage
    name, offset, _digest = writer.write_exchange(
        url, "GET", [("User-Agent", "govinspect-test")], 200, "OK",
        [("Content-Type", "text/html; charset=utf-8")], body, "127.0.0.1", timezone.now())
    writer.close()
    recheck.pages = [{"url": url, "final_url": url, "status": 200, "content_type": "text/html",
                      "fetched_at": timezone.now().isoformat(), "ref": f"{name}#{offset}"}]
    recheck.save()
    return recheck


def _finding(round_, subject, rule, indicator, item, url, message, *, parent=None,
             context="", span=None, confidence=Confidence.CERTAIN, account=False):
    from govinspect.web.rounds.models import Finding as Row

    core = Finding(rule_id=rule, indicator_id=indicator, subject=subject.code, message=message,
                   evidence=Evidence(url=url, parent_url=parent, context=context,
                                     span=Span(*span) if span else None),
                   confidence=confidence, item=item)
    row = Row.from_core(round_, core, site=None if account else subject,
                        account=subject if account else None, seen_at=round_.reference_time)
    row.save()
    return row


def build(suffix: str = "", *, publish: bool = True) -> World:
    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile

    from govinspect.web.accounts.models import Role
    from govinspect.web.accounts.scope import Scope
    from govinspect.web.accounts.services import create_user
    from govinspect.web.decisions.services import decide
    from govinspect.web.rectify.models import Item, ItemState
    from govinspect.web.rectify.services import publish_round, transition
    from govinspect.web.roster.models import Account, Site, Unit
    from govinspect.web.rounds.models import Round

    w = World()
    w.units["A"] = Unit.objects.create(name="甲市审计局", level="市直", region="市直")
    w.units["B"] = Unit.objects.create(name="乙市统计局", level="市直", region="市直")
    w.units["C"] = Unit.objects.create(name="丙县", level="县市区", region="丙县")
    w.units["C1"] = Unit.objects.create(name="丙县教育局", level="部门", region="丙县",
                                        parent=w.units["C"])
    for key, (code, name, home), unit in (("A", A_SITE, "A"), ("B", B_SITE, "B"),
                                          ("C", C_SITE, "C1")):
        w.sites[key] = Site.objects.create(code=code, name=name, homepage=home, kind="部门",
                                           unit=w.units[unit])
    w.accounts["A"] = Account.objects.create(code="3400A0000001", platform="微信公众号",
                                             name="甲审计发布", unit=w.units["A"])
    w.accounts["B"] = Account.objects.create(code="3400B0000002", platform="新浪微博",
                                             name="乙统计发布", unit=w.units["B"])

    for key, name, t in (("prev", f"2022Q1{suffix}", T_PREV), ("cur", f"2022Q2{suffix}", T)):
        r = Round.objects.create(name=name, reference_time=t, window_start=t - dt.timedelta(days=7),
                                 window_end=t, indicator_set="national-2019")
        r.sites.set(w.sites.values())
        r.accounts.set(w.accounts.values())
        w.rounds[key] = r

    cur, prev = w.rounds["cur"], w.rounds["prev"]
    for key in ("A", "B", "C"):
        site = w.sites[key]
        body = PAGE.replace("甲市审计局", site.unit.name).format(term=TERM).encode("gb18030")
        _capture(cur, site, site.homepage, body, "text/html; charset=gb2312")
        context = f"欢迎使用{TERM}服务，请按指南提交材料。"
        start = context.index(TERM)
        label = {"A": "甲站", "B": "乙站", "C": "丙站"}[key]
        w.findings[f"{key}-term"] = _finding(
            cur, site, "GI-T001", "W-V1", "serious_error", site.homepage,
            f"{label}错别字“{TERM}”", context=context, span=(start, start + len(TERM)),
            confidence=Confidence.SUSPECTED)
        w.findings[f"{key}-link"] = _finding(
            cur, site, "GI-L001", "W-D22", "homepage", site.homepage + "broken-link.html",
            f"{label}首页链接不可用", parent=site.homepage)
        _finding(prev, site, "GI-L001", "W-D22", "homepage", site.homepage + "broken-link.html",
                 f"{label}首页链接不可用", parent=site.homepage)
    w.findings["B-account"] = _finding(cur, w.accounts["B"], "GI-NM001", "NM-V2", "",
                                       w.accounts["B"].code, "乙统计发布超过两周未更新",
                                       account=True)

    user_model = get_user_model()
    w.users["office"] = create_user(f"office{suffix}", PASSWORD, Role.OFFICE)
    w.users["inspector"] = create_user(f"inspector{suffix}", PASSWORD, Role.INSPECTOR)
    w.users["A"] = create_user(f"unit-a{suffix}", PASSWORD, Role.UNIT, units=[w.units["A"]])
    w.users["B"] = create_user(f"unit-b{suffix}", PASSWORD, Role.UNIT, units=[w.units["B"]])
    w.users["C"] = create_user(f"county-c{suffix}", PASSWORD, Role.UNIT, units=[w.units["C"]])
    w.users["none"] = user_model.objects.create_user(f"norole{suffix}", password=PASSWORD)

    inspector = Scope.for_user(w.users["inspector"])
    w.decisions["B"] = decide(inspector, [w.findings["B-term"]], "confirm", "finding",
                              "确属错别字")[0]
    if publish:
        publish_round(cur, w.users["office"], T.date() + dt.timedelta(days=14))
        for key in ("A", "B", "C"):
            w.items[key] = Item.objects.get(round=cur, site=w.sites[key], rule_id="GI-L001")
        w.items["B-account"] = Item.objects.get(round=cur, account=w.accounts["B"])
        w.entries["B"] = transition(Scope.for_user(w.users["B"]), w.items["B"], ItemState.FIXED,
                                    "乙站已修复链接",
                                    SimpleUploadedFile("乙站整改说明.txt", "乙站已修复".encode()))
        for key, label in (("A", "甲站"), ("B", "乙站")):
            body = f"<html><body><h1>{w.sites[key].name}</h1><p>{label}复查页面</p></body></html>"
            w.rechecks[key] = _recheck(w.items[key], body.encode(), "待人工核验")
    return w
