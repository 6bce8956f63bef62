"""The office's archive as evidence: for each URL of a round, the earliest capture of an
earlier round (GI-D003 伪造发稿日期 uses it)."""

from __future__ import annotations

import datetime as dt

import pytest

from govinspect.web.roster.models import Site, Unit
from govinspect.web.rounds import models as rm
from govinspect.web.rounds.services import first_seen_earlier

pytestmark = pytest.mark.django_db
UTC = dt.UTC
URL = "http://fgw.shishi.gov.cn/zwgk/zcwj/content_1023588.html"


def make_round(name: str, t: dt.datetime, sites) -> rm.Round:
    r = rm.Round.objects.create(name=name, reference_time=t, window_start=t - dt.timedelta(7),
                                window_end=t)
    r.sites.set(sites)
    return r


def capture(r: rm.Round, site: Site, url: str, when: dt.datetime) -> None:
    rm.Capture.objects.create(round=r, site=site, url=url, final_url=url, status=200,
                              fetched_at=when, warc_file="x.warc.gz", warc_offset=0)


def test_first_seen_is_the_earliest_earlier_capture_of_this_rounds_sites():
    unit = Unit.objects.create(name="示例市发展和改革委员会", level="市直", region="市直")
    fgw = Site.objects.create(code="3411000003", name="发改委", unit=unit, kind="部门",
                              homepage="http://fgw.shishi.gov.cn/")
    other = Site.objects.create(code="3411000004", name="教体局", unit=unit, kind="部门",
                                homepage="http://jtj.shishi.gov.cn/")
    q4 = make_round("2021Q4", dt.datetime(2021, 12, 20, tzinfo=UTC), [fgw, other])
    q1 = make_round("2022Q1", dt.datetime(2022, 3, 30, tzinfo=UTC), [fgw, other])
    q2 = make_round("2022Q2", dt.datetime(2022, 6, 30, tzinfo=UTC), [fgw])
    later = make_round("2022Q3", dt.datetime(2022, 9, 30, tzinfo=UTC), [fgw])
    capture(q1, fgw, URL, dt.datetime(2022, 3, 28, 9, 30, tzinfo=UTC))
    capture(q4, fgw, URL, dt.datetime(2021, 12, 18, 10, 0, tzinfo=UTC))
    capture(q2, fgw, URL, dt.datetime(2022, 6, 28, tzinfo=UTC))  # this round: not evidence
    capture(later, fgw, URL + "?later", dt.datetime(2022, 9, 28, tzinfo=UTC))  # after t
    capture(q1, other, "http://jtj.shishi.gov.cn/a.html",  # not a site of this round
            dt.datetime(2022, 3, 28, tzinfo=UTC))
    seen = first_seen_earlier(q2)
    assert seen == {"3411000003": {URL: (dt.datetime(2021, 12, 18, 10, 0, tzinfo=UTC),
                                         "2021Q4")}}
    assert first_seen_earlier(q4) == {}
