"""政务公开 and transport: GI-O001 (guide fields, real pages), GI-O002, GI-X001/GI-X002."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from site_demo import ctx, demo, site_input, site_ref

from govinspect.core.types import CaptureRecord, Confidence, SiteKind, SiteRef, TransportFacts
from govinspect.extract import extract_page
from govinspect.rules import site_openness as so
from govinspect.rules import transport as tr
from govinspect.rules.analyse import PageInput, SiteInput

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
    assert tr.https_check(data, ctx()) == [] and tr.ipv6_check(data, ctx()) == []
    data.transport = TransportFacts(https_available=False)
    assert [f.item for f in tr.https_check(data, ctx())] == ["no_https"]
    assert tr.ipv6_check(data, ctx()) == []
    for f in tr.check_transport(site, bad, ctx().indicator_set):
        ctx().indicator_set.item(f.indicator_id, f.item)  # every item exists in the set


def test_ipv6_finding_says_why_and_how_sure():
    """GI-X002 as the probe records it (demo network: ::1 answers for the healthy sites).
    No AAAA record is certain once the probe reached some site over IPv6 in the same run; an
    AAAA record that does not answer, and anything seen without working IPv6 at the probe,
    stays suspected. Working IPv6 or IPv6 not measured: nothing."""
    site = site_ref()
    iset = ctx().indicator_set
    ok = TransportFacts(https_available=True, redirects_to_https=True, cert_valid=True,
                        hsts=True, ipv6=True, ipv6_aaaa=True, prober_ipv6=True)
    assert tr.check_transport(site, ok, iset) == []
    assert tr.check_transport(site, TransportFacts(ipv6=None, prober_ipv6=True), iset) == []

    def x002(**kw):
        [f] = [f for f in tr.check_transport(site, TransportFacts(ipv6=False, **kw), iset)
               if f.rule_id == "GI-X002"]
        assert (f.indicator_id, f.item) == ("W-D29", "no_ipv6") and f.evidence.url
        return f.message, f.confidence

    no_aaaa = "网站域名没有AAAA记录，无法通过IPv6访问"
    dead = "网站域名有AAAA记录，但首页无法通过IPv6访问"
    assert x002(ipv6_aaaa=False, prober_ipv6=True) == (no_aaaa, Confidence.CERTAIN)
    assert x002(ipv6_aaaa=False, prober_ipv6=None) == (no_aaaa, Confidence.SUSPECTED)
    assert x002(ipv6_aaaa=False, prober_ipv6=False) == (no_aaaa, Confidence.SUSPECTED)
    assert x002(ipv6_aaaa=True, prober_ipv6=True) == (dead, Confidence.SUSPECTED)
    assert x002(ipv6_aaaa=True, prober_ipv6=False) == (dead, Confidence.SUSPECTED)
    # facts recorded before ipv6_aaaa existed
    assert x002() == ("网站首页无法通过IPv6访问", Confidence.SUSPECTED)
    [f] = tr.check_transport(site, TransportFacts(ipv6=False, ipv6_aaaa=False, prober_ipv6=True),
                             iset)
    assert f.details["aaaa"] is False and f.details["prober_ipv6"] is True


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


# ── GI-O003 法定主动公开内容 (P1) ─────────────────────────────────────────────────────────────

PT = SiteRef("3501280001", "平潭综合实验区", "https://www.pingtan.gov.cn/", SiteKind.PORTAL,
             ("www.pingtan.gov.cn",))


def test_real_portal_pages_show_every_mandatory_category():
    """The 平潭 pages (its 政务公开 channel, lists, documents): 政府采购 is a link to the
    platform zfcg.pingtan.gov.cn, 财政预决算 a column named 财政资金, 机构职能 one named 政府机构."""
    labels = _labels()
    data = SiteInput(PT)
    for page_id in sorted(i for i in labels if i.startswith("pt-")):
        url = labels[page_id]["url"] or f"https://www.pingtan.gov.cn/{page_id}.html"
        data.pages.append(extract_page((REAL / "pages" / f"{page_id}.html").read_bytes(), url))
    assert so.mandatory_columns(data, ctx()) == []
    names = so.column_names(data)
    assert {"政府采购", "财政资金", "政府机构", "应急预案预警信息"} <= names


PORTAL = SiteRef("3411020001", "东湖县人民政府", "http://www.donghu.gov.cn/", SiteKind.PORTAL,
                 ("www.donghu.gov.cn",))
ZWGK = """<html><head><meta charset="utf-8"><title>政务公开_东湖县人民政府</title>
<meta name="ColumnName" content="政务公开"><meta name="ColumnType" content="政务公开"></head><body>
<div class="position">当前位置：首页 &gt; 政务公开</div>
<div class="side"><h2>法定主动公开内容</h2><ul>{nav}</ul></div>
<div class="box"><div class="box-title"><span>通知公告</span></div><ul class="list">
<li><a href="/zwgk/tzgg/202206/t20220620_11.html">东湖县2022年部门预算和“三公”经费预算公开</a><span>2022-06-20</span></li>
<li><a href="/zwgk/tzgg/202206/t20220612_12.html">关于做好2022年防汛抗旱工作的通知</a><span>2022-06-12</span></li>
<li><a href="/zwgk/tzgg/202206/t20220601_13.html">关于开展安全生产大检查的通知</a><span>2022-06-01</span></li>
</ul></div>
<div class="links"><h3>部门网站</h3><ul><li><a href="http://czj.donghu.gov.cn/">东湖县财政局</a></li>
<li><a href="http://yjj.donghu.gov.cn/">东湖县应急管理局</a></li></ul></div></body></html>"""
NAV = ["机构职能", "政策文件", "规划计划", "统计信息", "人事信息", "行政执法", "政府采购",
       "重大建设项目", "应急管理"]


def _portal(nav: list[str], site: SiteRef = PORTAL, extra=()):
    links = "".join(f'<li><a href="/zwgk/c{k}/">{n}</a></li>' for k, n in enumerate(nav))
    pages = [("http://www.donghu.gov.cn/zwgk/", ZWGK.format(nav=links).encode())]
    pages += [(f"http://www.donghu.gov.cn/zwgk/tzgg/202206/t2022060{k}_{k}.html", ARTICLE.format(
        n=k).encode()) for k in range(1, 10)]
    return site_input(pages + list(extra), site)


ARTICLE = """<html><head><meta charset="utf-8"><title>通知{n}_东湖县人民政府</title></head><body>
<div class="position">当前位置：首页 &gt; 政务公开 &gt; 通知公告 &gt; 正文</div><div class="article">
<h1>关于开展第{n}批安全生产检查的通知</h1><div class="info">发布时间：2022-06-0{n}</div>
<p>各乡镇人民政府，县直各单位：现将有关事项通知如下。</p>
<div class="xglj">相关链接：<a href="/zwgk/czyjs/">财政预决算</a></div></div></body></html>"""


def test_missing_mandatory_category_reported_at_the_disclosure_channel():
    [f] = so.mandatory_columns(_portal(NAV), ctx())
    assert (f.rule_id, f.indicator_id, f.item, f.details["category"], f.details["text"]) == (
        "GI-O003", "P1", "missing_column", "财政预决算", "财政预决算")
    assert f.evidence.url == "http://www.donghu.gov.cn/zwgk/" and f.confidence.value == "疑似"
    # a 部门预算 column counts; unit sites (东湖县财政局), document titles and the related
    # links of a document do not
    assert so.mandatory_columns(_portal(NAV + ["部门预算"]), ctx()) == []
    two = so.mandatory_columns(_portal([n for n in NAV if n != "应急管理"]), ctx())
    assert [f.details["category"] for f in two] == ["财政预决算", "应急管理"]
    assert len({f.fingerprint for f in two}) == 2  # one problem each, though at one address


def test_mandatory_columns_only_on_portals_after_a_real_crawl():
    dept = site_ref(code="3411000009", home="http://www.donghu.gov.cn/")
    assert so.mandatory_columns(_portal(NAV, site=dept), ctx()) == []
    few = site_input([("http://www.donghu.gov.cn/zwgk/", ZWGK.format(nav="").encode())], PORTAL)
    assert so.mandatory_columns(few, ctx()) == []


CZ = """<html><head><meta charset="utf-8"><title>财政预决算_东湖县人民政府</title>
<meta name="ColumnName" content="财政预决算"></head><body>
<div class="position">当前位置：首页 &gt; 政务公开 &gt; 财政预决算</div><ul class="list">
<li><a href="./202203/t20220310_31.html">东湖县2022年县级财政预算</a><span>2022-03-10</span></li>
<li><a href="./202108/t20210820_32.html">东湖县2020年县级财政决算</a><span>2021-08-20</span></li>
<li><a href="./202103/t20210305_33.html">东湖县2021年县级财政预算</a><span>2021-03-05</span></li>
</ul></body></html>"""


def test_a_local_window_checks_the_category_freshness():
    import dataclasses

    iset = ctx().indicator_set
    p1 = dict(iset.indicators["P1"])
    p1["categories"] = {**p1["categories"], "财政预决算": {
        "names": ["财政预决算", "部门预算"], "window": {"months": 3}}}
    local = dataclasses.replace(ctx(), indicator_set=dataclasses.replace(
        iset, indicators={**iset.indicators, "P1": p1}))
    data = _portal(NAV, extra=[("http://www.donghu.gov.cn/zwgk/czyjs/", CZ.encode())])
    [f] = so.mandatory_columns(data, local)
    assert (f.item, f.details["latest"], f.evidence.url) == (
        "stale_column", "2022-03-10", "http://www.donghu.gov.cn/zwgk/czyjs/")
    assert so.mandatory_columns(data, ctx()) == []  # the national set gives no window


def test_demo_mandatory_columns_match_the_manifest():
    manifest, inputs, _ = demo()
    planted = {(e["url"], e["text"]) for e in manifest.select(kind="mandatory_column_missing")}
    found = {(f.evidence.url, f.details["text"]) for d in inputs.values()
             for f in so.mandatory_columns(d, ctx())}
    assert planted and found == planted
