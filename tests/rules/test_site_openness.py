"""政务公开 and transport: GI-O001 (guide fields, real pages), GI-O002, GI-X001/GI-X002."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from site_demo import ctx, demo, site_input, site_ref

from govinspect.core.types import CaptureRecord, SiteKind, TransportFacts
from govinspect.extract import extract_page
from govinspect.rules import site_openness as so
from govinspect.rules import transport as tr
from govinspect.rules.analyse import PageInput

REAL = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "realpages"


def _labels():
    rows = [json.loads(line) for line in (REAL / "labels.jsonl").read_text("utf-8").splitlines()
            if line.strip()]
    return {r["id"]: r for r in rows}


def _guide(page_id, url):
    body = (REAL / "pages" / f"{page_id}.html").read_bytes()
    facts = extract_page(body, url)
    site = site_ref()
    cap = CaptureRecord(site.code, url, url, 200, "text/html", "", 1, None, "", 0, "")
    return so.check_guide(site, PageInput(cap, body), facts, ctx())


@pytest.mark.parametrize("page_id", ["pt-guide-col", "pt-guide-doc", "pt-guide-bq"])
def test_guide_fields_on_real_guides_agree_with_labels(page_id):
    label = _labels()[page_id]
    wanted = ["名称", "办公地址", "办公时间", "联系电话", "传真号码", "互联网联系方式"]
    expected = [k for k in wanted if not label["guide_fields"][k]]
    findings = _guide(page_id, label["url"])
    got = findings[0].details["missing"] if findings else []
    if page_id == "pt-guide-bq":  # the labelled positive: address, hours, phone, fax missing
        assert set(got) <= set(expected) and "传真号码" in got and len(got) >= 2
    else:
        assert got == expected  # only 传真 is missing on 平潭's guide


def test_demo_guides_are_complete():
    _m, inputs, bodies = demo()
    for data in inputs.values():
        for f in data.pages:
            if so.is_guide_page(f):
                cap = CaptureRecord(data.site.code, f.url, f.url, 200, "text/html", "", 1, None,
                                    "", 0, "")
                assert so.check_guide(data.site, PageInput(cap, bodies[f.url]), f, ctx()) == []


def test_annual_report_missing_matches_the_manifest():
    manifest, inputs, _ = demo()
    found = {f.evidence.url.rstrip("/") for d in inputs.values()
             for f in so.annual_report(d, ctx())}
    assert found == {e["url"].rstrip("/") for e in manifest.select(kind="annual_report_missing")}
    assert found


LIST = """<html><head><title>政府信息公开年度报告_示例市发展和改革委员会</title>
<meta name="ColumnName" content="政府信息公开年度报告"></head><body>
<div class="crumb">当前位置：首页 &gt; 政务公开 &gt; 政府信息公开年度报告</div><ul>
<li><a href="./202203/t20220315_1.html">示例市发展和改革委员会{y}年政府信息公开工作年度报告</a><span>{d}</span></li>
<li><a href="./202101/t20210128_2.html">示例市发展和改革委员会2020年政府信息公开工作年度报告</a><span>2021-01-28</span></li>
<li><a href="./202001/t20200123_3.html">示例市发展和改革委员会2019年政府信息公开工作年度报告</a><span>2020-01-23</span></li>
</ul></body></html>"""


def _reports(year, day, kind=SiteKind.DEPARTMENT):
    body = LIST.format(y=year, d=day).encode()
    return site_input([("http://fgw.shishi.gov.cn/zwgk/ndbg/", body)], site_ref(kind=kind))


def test_annual_report_deadlines_by_site_kind():
    assert so.annual_report(_reports(2021, "2022-01-28"), ctx()) == []
    [late] = so.annual_report(_reports(2021, "2022-03-15"), ctx())
    assert late.item == "late"
    assert so.annual_report(_reports(2021, "2022-03-15", SiteKind.PORTAL), ctx()) == []
    [missing] = so.annual_report(_reports(2019, "2020-01-23"), ctx())
    assert missing.item == "missing" and missing.details["year"] == 2021
    # before the deadline nothing is due yet
    early = ctx(dt.datetime(2022, 1, 20, 12, tzinfo=dt.UTC))
    assert so.annual_report(_reports(2019, "2020-01-23"), early) == []


def test_transport_rules():
    site = site_ref()
    good = TransportFacts(https_available=True, redirects_to_https=True, cert_valid=True,
                          cert_days_left=200, hsts=True, ipv6=True)
    assert tr.check_transport(site, good, ctx().indicator_set) == []
    assert tr.check_transport(site, TransportFacts(), ctx().indicator_set) == []  # unmeasured
    bad = TransportFacts(https_available=True, redirects_to_https=False, cert_valid=True,
                         cert_days_left=10, hsts=False, ipv6=False)
    items = {(f.indicator_id, f.item) for f in tr.check_transport(site, bad, ctx().indicator_set)}
    assert items == {("G13", "no_redirect"), ("G13", "cert_expiring"), ("G13", "no_hsts"),
                     ("W-D29", "no_ipv6")}
    [f] = tr.check_transport(site, TransportFacts(https_available=False), ctx().indicator_set)
    assert f.item == "no_https" and f.evidence.url == site.homepage
    data = site_input([])
    assert tr.site_transport(data, ctx()) == []
    data.transport = TransportFacts(https_available=False)
    assert [f.item for f in tr.site_transport(data, ctx())] == ["no_https"]
    for f in tr.check_transport(site, bad, ctx().indicator_set):
        ctx().indicator_set.item(f.indicator_id, f.item)  # every item exists in the set


def test_invalid_certificates_say_why():
    """As the probe records them: an expired certificate on a site that still serves plain
    HTTP; the shared platform's certificate on a department site; an unknown reason."""
    site = site_ref()
    iset = ctx().indicator_set
    expired = TransportFacts(https_available=True, redirects_to_https=False, cert_valid=False,
                             cert_error="expired", cert_days_left=-40, hsts=True)
    found = {f.item: f for f in tr.check_transport(site, expired, iset)}
    assert set(found) == {"no_redirect", "cert_invalid"}  # no "expiring" on top of expired
    assert found["cert_invalid"].message == "HTTPS证书已过期（40天前）"
    assert found["cert_invalid"].details["cert_error"] == "expired"
    other = TransportFacts(https_available=True, redirects_to_https=True, cert_valid=False,
                           cert_error="hostname_mismatch", cert_days_left=300, hsts=True)
    [f] = tr.check_transport(site, other, iset)
    assert (f.item, f.message) == ("cert_invalid", "HTTPS证书与网站域名不符")
    untrusted = TransportFacts(https_available=True, redirects_to_https=True, cert_valid=False,
                               cert_error="untrusted", hsts=True)
    assert "不受信任" in tr.check_transport(site, untrusted, iset)[0].message
    unknown = TransportFacts(https_available=True, redirects_to_https=True, cert_valid=False,
                             hsts=True)
    [f] = tr.check_transport(site, unknown, iset)
    assert f.message.startswith("HTTPS证书无效") and "cert_error" not in f.details
    # a healthy site whose renewal is due in 45 days: beyond cert_warn_days (30), nothing
    renewing = TransportFacts(https_available=True, redirects_to_https=True, cert_valid=True,
                              cert_days_left=45, hsts=True)
    assert tr.check_transport(site, renewing, iset) == []
