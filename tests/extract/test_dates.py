"""Date candidates, validators and parsing."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from govinspect.extract import dates, extract_page


@pytest.mark.parametrize("text,want", [
    ("2022年7月27日", date(2022, 7, 27)),
    ("2022-07-27 15:43", date(2022, 7, 27)),
    ("2022/7/27", date(2022, 7, 27)),
    ("2022 年 07 月 27 日", date(2022, 7, 27)),
    ("二〇二二年七月二十七日", date(2022, 7, 27)),
])
def test_parse_formats(text, want):
    assert dates.parse_date(text)[0] == want


def test_relative_dates_anchor_on_capture_time():
    anchor = datetime(2022, 6, 30, 17, 0)
    assert dates.parse_date("昨天", anchor)[0] == date(2022, 6, 29)
    assert dates.parse_date("3小时前", anchor)[0] == date(2022, 6, 30)
    assert dates.parse_date("20小时前", anchor)[0] == date(2022, 6, 29)
    assert dates.parse_date("昨天") is None  # no anchor, no guess


def test_year_inferred_for_month_day():
    anchor = datetime(2023, 1, 5)
    assert dates.infer_year(12, 30, anchor) == date(2022, 12, 30)
    assert dates.infer_year(1, 3, anchor) == date(2023, 1, 3)


@pytest.mark.parametrize("url,want", [
    ("http://x.gov.cn/zwgk/202206/t20220627_123.html", date(2022, 6, 27)),
    ("http://fgw.zj.gov.cn/art/2016/11/22/art_1621004_30332664.html", date(2016, 11, 22)),
    ("https://www.gov.cn/zhengce/content/2019-04/18/content_5384134.htm", date(2019, 4, 18)),
    ("http://x.gov.cn/index.html", None),
])
def test_url_dates(url, want):
    assert dates.url_date(url) == want


def test_labels_classified():
    assert dates.classify_label("成文日期")[0] == "written"
    assert dates.classify_label("发布日期")[0] == "pub"
    assert dates.classify_label("留言时间")[0] == "ignore"


def _page(body: str) -> bytes:
    return f"<html><head><title>关于开展检查的通知_示例市人民政府</title></head><body>{body}</body></html>".encode()


def test_written_date_is_never_the_publication_date():
    html = _page("<h1>关于开展检查的通知</h1><div>成文日期：2022年7月26日</div><p>" + "正文。" * 80
                 + "</p>")
    facts = extract_page(html, "http://x.gov.cn/a/index.html", datetime(2022, 8, 1))
    assert facts.written_date == "2022-07-26"
    assert facts.pub_date is None


def test_future_date_rejected_and_reported():
    html = _page("<h1>关于开展检查的通知</h1><div>发布时间：2030-01-01</div><p>" + "正文。" * 80
                 + "</p>")
    facts = extract_page(html, "http://x.gov.cn/a/202206/t20220627_1.html", datetime(2022, 6, 30))
    assert facts.pub_date == "2022-06-27"  # falls back to the URL date
    assert any("晚于采集时间" in p for p in facts.date_problems)


def test_relative_publication_date():
    html = _page("<h1>关于开展检查的通知</h1><div>发布时间：2小时前</div><p>" + "正文。" * 80 + "</p>")
    facts = extract_page(html, "http://x.gov.cn/a/1.html", datetime(2022, 6, 30, 17, 0))
    assert facts.pub_date == "2022-06-30"
