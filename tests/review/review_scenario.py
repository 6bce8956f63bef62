"""A small 滁州-like round in the database: five sites of every kind, three accounts, automatic
findings in each review state. Names are the seed's (滁州市 2022Q2)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from govinspect.core.types import Confidence, Evidence, Finding

CST = ZoneInfo("Asia/Shanghai")
T = dt.datetime(2022, 6, 30, 18, 0, tzinfo=CST)

# code, name, kind, unit, region
SITES = [
    ("3411000036", "滁州市人民政府", "门户", "滁州市人民政府办公室", "市直"),
    ("3411030026", "滁州市南谯区人民政府", "门户", "滁州市南谯区人民政府办公室", "南谯区"),
    ("3411000039", "滁州市发展和改革委员会（市粮食和物资储备局）", "部门",
     "滁州市发展和改革委员会", "市直"),
    ("3411000009", "滁州市审计局", "部门", "滁州市审计局", "市直"),
    ("3411000067", "信用滁州", "专项", "滁州市发展和改革委员会", "市直"),
]
# code, platform, name, subject, unit, region
ACCOUNTS = [
    ("341100M007XL0002", "新浪微博", "滁州治安在线", "滁州市公安局治安管理支队", "滁州市公安局", "市直"),
    ("341103M001WX0001", "微信小程序", "云上南谯", "滁州市南谯区人民政府办公室",
     "滁州市南谯区人民政府办公室", "南谯区"),
    ("341100M902XX0003", "微信公众号", "滁州交警", "滁州市公安局交通警察支队", "滁州市公安局", "市直"),
]


def make_roster():
    from govinspect.web.roster.models import Account, Site, Unit

    units = {}

    def unit(name, region):
        if (name, region) not in units:
            units[(name, region)] = Unit.objects.create(
                name=name, region=region, level="市直" if region == "市直" else "部门")
        return units[(name, region)]

    sites = {code: Site.objects.create(code=code, name=name, kind=kind,
                                       homepage=f"http://s{code}.example.gov.cn/",
                                       unit=unit(u, region))
             for code, name, kind, u, region in SITES}
    accounts = {code: Account.objects.create(code=code, platform=platform, name=name,
                                             certified_subject=subject, unit=unit(u, region))
                for code, platform, name, subject, u, region in ACCOUNTS}
    return sites, accounts


def make_round(name="2022Q2", t=T, indicator_set="chuzhou-2022", sites=None):
    from govinspect.web.rounds.models import Round

    r = Round.objects.create(name=name, reference_time=t, window_start=t - dt.timedelta(days=7),
                             window_end=t, indicator_set=indicator_set)
    r.sites.set(sites.values())
    return r


def auto_finding(round_, site, item, url, *, confidence=Confidence.CERTAIN, state="待复核",
                 reason=""):
    """A W-D22 finding stored the way analyse_round stores it."""
    from govinspect.web.rounds.models import Finding as Row

    core = Finding(rule_id="GI-L001", indicator_id="W-D22", subject=site.code,
                   message="链接不可用", evidence=Evidence(url=url, parent_url=site.homepage),
                   confidence=confidence, item=item)
    row = Row.from_core(round_, core, site=site)
    row.review_state, row.review_reason = state, reason
    row.save()
    return row
