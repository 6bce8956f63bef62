"""Model constraints and the persistence of core types (findings, captures)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from govinspect.core.types import (
    CaptureRecord,
    Confidence,
    Evidence,
    Finding,
    SiteKind,
    SiteRef,
    Span,
)
from govinspect.web.roster.models import Account, Site, Unit
from govinspect.web.rounds import models as rm
from govinspect.web.rounds.persist import save_captures, save_findings

pytestmark = pytest.mark.django_db
UTC = dt.UTC


@pytest.fixture
def unit():
    return Unit.objects.create(name="滁州市交通运输局", level="市直", region="市直")


@pytest.fixture
def site(unit):
    return Site.objects.create(code="3411000013", name="滁州市交通运输局",
                               homepage="http://jtj.chuzhou.gov.cn/", kind="部门", unit=unit,
                               extra_hosts=["jtj2.chuzhou.gov.cn"])


def make_round(name: str, day: int) -> rm.Round:
    t = dt.datetime(2022, 6, day, tzinfo=UTC)
    return rm.Round.objects.create(name=name, reference_time=t, window_start=t - dt.timedelta(days=90),
                                   window_end=t)


def broken_link(url="http://jtj.chuzhou.gov.cn/a.html", subject="3411000013") -> Finding:
    context = "请点击 附件下载 查看"
    return Finding(rule_id="links.broken", indicator_id="W-D22", subject=subject,
                   message="链接不可用", item="other",
                   evidence=Evidence(url=url, parent_url="http://jtj.chuzhou.gov.cn/",
                                     context=context, span=Span(4, 8),
                                     capture="r1/jtj.warc.gz#1024"),
                   confidence=Confidence.SUSPECTED, details={"status": 404})


def test_site_code_must_be_ten_digits_and_unique(site, unit):
    bad = Site(code="341100001", name="x", homepage="http://x.gov.cn/", kind="部门", unit=unit)
    with pytest.raises(ValidationError) as err:
        bad.full_clean()
    assert "code" in err.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        Site.objects.create(code=site.code, name="dup", homepage="http://y.gov.cn/", kind="部门",
                            unit=unit)


def test_unit_unique_per_region_and_account_code_unique(unit):
    Unit.objects.create(name="滁州市交通运输局", level="部门", region="天长市")  # other region: ok
    with pytest.raises(IntegrityError), transaction.atomic():
        Unit.objects.create(name="滁州市交通运输局", level="市直", region="市直")
    Account.objects.create(code="341100M007XL0002", platform="新浪微博", name="a", unit=unit)
    with pytest.raises(IntegrityError), transaction.atomic():
        Account.objects.create(code="341100M007XL0002", platform="抖音", name="b", unit=unit)


def test_site_to_ref(site):
    assert site.to_ref() == SiteRef(code="3411000013", name="滁州市交通运输局",
                                    homepage="http://jtj.chuzhou.gov.cn/", kind=SiteKind.DEPARTMENT,
                                    hosts=("jtj.chuzhou.gov.cn", "jtj2.chuzhou.gov.cn"))


def test_finding_round_trips_and_constraints(site):
    r = make_round("2022Q2", 23)
    core = broken_link()
    row = rm.Finding.from_core(r, core, site)
    row.save()
    back = rm.Finding.objects.get(pk=row.pk).to_core()
    assert back == core and back.details == {"status": 404}
    assert back.fingerprint == row.fingerprint == core.fingerprint
    with pytest.raises(IntegrityError), transaction.atomic():
        rm.Finding.from_core(r, core, site).save()  # same fingerprint, same round
    orphan = rm.Finding.from_core(r, broken_link(url="http://jtj.chuzhou.gov.cn/b.html"))
    with pytest.raises(IntegrityError), transaction.atomic():
        orphan.save()  # neither site nor account
    row.review_state = rm.ReviewState.DISMISSED
    with pytest.raises(ValidationError):
        row.clean()  # dismissing needs a reason
    row.review_reason = "链接已在检查后修复"
    row.clean()


def test_round_window_must_be_ordered():
    t = dt.datetime(2022, 6, 23, tzinfo=UTC)
    with pytest.raises(IntegrityError), transaction.atomic():
        rm.Round.objects.create(name="bad", reference_time=t, window_start=t, window_end=t - dt.timedelta(days=1))


def test_save_findings_upserts_and_first_seen_carries_across_rounds(site):
    q1, q2 = make_round("2022Q1", 1), make_round("2022Q2", 23)
    seen1 = dt.datetime(2022, 3, 25, tzinfo=UTC)
    seen2 = dt.datetime(2022, 6, 25, tzinfo=UTC)
    old, fixed = broken_link(), broken_link(url="http://jtj.chuzhou.gov.cn/fixed.html")
    assert save_findings(q1, site, [old, fixed], seen_at=seen1).created == 2

    new = broken_link(url="http://jtj.chuzhou.gov.cn/new.html")
    result = save_findings(q2, site, [old, new, old], seen_at=seen2)
    assert (result.created, result.updated) == (2, 0)
    rows = {f.url.rsplit("/", 1)[1]: f for f in rm.Finding.objects.filter(round=q2)}
    assert set(rows) == {"a.html", "new.html"}
    assert rows["a.html"].first_seen == seen1 and rows["a.html"].last_seen == seen2
    assert rows["new.html"].first_seen == seen2

    # Re-analysis of the same round: review state kept, stale pending findings pruned.
    rm.Finding.objects.filter(pk=rows["a.html"].pk).update(review_state="已确认")
    later = seen2 + dt.timedelta(days=1)
    result = save_findings(q2, site, [old], seen_at=later, prune=True)
    assert (result.created, result.updated, result.pruned) == (0, 1, 1)
    (kept,) = rm.Finding.objects.filter(round=q2)
    assert kept.review_state == "已确认" and kept.first_seen == seen1 and kept.last_seen == later

    # Findings about accounts resolve their subject from the roster.
    account = Account.objects.create(code="341100M007XL0002", platform="新浪微博",
                                     name="滁州治安在线", unit=site.unit)
    stale = broken_link(url="https://weibo.com/u/1", subject=account.code)
    assert save_findings(q2, None, [stale]).created == 1
    assert rm.Finding.objects.get(account=account).to_core().subject == account.code
    with pytest.raises(ValueError):
        save_findings(q2, None, [broken_link(subject="3411999999")])


def test_save_captures_is_idempotent(site):
    r = make_round("2022Q2", 23)
    records = [CaptureRecord(site_code=site.code, url=f"http://jtj.chuzhou.gov.cn/{i}.html",
                             final_url=f"http://jtj.chuzhou.gov.cn/{i}.html", status=200,
                             content_type="text/html", fetched_at="2022-06-23T01:02:03Z",
                             depth=1, parent_url="http://jtj.chuzhou.gov.cn/",
                             warc_file="jtj.warc.gz", warc_offset=100 * i, digest=f"D{i}")
               for i in range(1200)]
    assert save_captures(r, site, records) == 1200
    moved = records[0].__class__(**{**records[0].__dict__, "status": 404, "warc_offset": 9})
    assert save_captures(r, None, [moved, *records[1:]]) == 1200
    assert rm.Capture.objects.filter(round=r).count() == 1200
    first = rm.Capture.objects.get(round=r, url=records[0].url)
    assert (first.status, first.ref) == (404, "jtj.warc.gz#9")
    assert first.fetched_at == dt.datetime(2022, 6, 23, 1, 2, 3, tzinfo=UTC)


@pytest.mark.parametrize("model", ["roster/unit", "roster/site", "roster/account", "rounds/round",
                                   "rounds/capture", "rounds/finding"])
def test_admin_pages_render(admin_client, site, model):
    r = make_round("2022Q2", 23)
    r.sites.add(site)
    save_findings(r, site, [broken_link()])
    save_captures(r, site, [CaptureRecord(site.code, site.homepage, site.homepage, 200, "text/html",
                                          "2022-06-23T00:00:00+00:00", 0, None, "a.warc.gz", 0, "X")])
    listing = admin_client.get(f"/admin/{model}/", {"q": "滁州"})
    assert listing.status_code == 200
    assert admin_client.get(f"/admin/{model}/add/").status_code == 200
    obj_pk = {"roster/site": site.pk, "rounds/round": r.pk,
              "rounds/finding": rm.Finding.objects.get().pk}.get(model)
    if obj_pk:
        assert admin_client.get(f"/admin/{model}/{obj_pk}/change/").status_code == 200


def test_admin_confirm_action(admin_client, site):
    r = make_round("2022Q2", 23)
    save_findings(r, site, [broken_link()])
    finding = rm.Finding.objects.get()
    resp = admin_client.post("/admin/rounds/finding/", {
        "action": "confirm", "_selected_action": [finding.pk]})
    assert resp.status_code == 302
    finding.refresh_from_db()
    assert finding.review_state == "已确认"
