"""Weibo JSON, WeChat article pages and feeds → posts (offline, recorded formats)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from govinspect.collect.newmedia.common import NewMediaFormatError
from govinspect.collect.newmedia.feeds import parse_feed
from govinspect.collect.newmedia.wechat import parse_wechat_article
from govinspect.collect.newmedia.weibo import parse_weibo_json, parse_weibo_time
from govinspect.core.newmedia import SHANGHAI, Precision
from govinspect.core.roster import Platform

FIXTURES = Path(__file__).parent / "fixtures"
WECHAT = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "wechat"
needs_wechat = pytest.mark.skipif(not WECHAT.is_dir(), reason=f"shared data missing: {WECHAT}")
UTC = dt.UTC


def cst(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SHANGHAI)


# --- relative Weibo dates ----------------------------------------------------------------

CAPTURE = cst(2022, 6, 28, 15, 0)


@pytest.mark.parametrize("text, expected, precision", [
    ("刚刚", cst(2022, 6, 28, 15, 0), Precision.MINUTE),
    ("3分钟前", cst(2022, 6, 28, 14, 57), Precision.MINUTE),
    ("45秒前", cst(2022, 6, 28, 14, 59, 15), Precision.SECOND),
    ("2小时前", cst(2022, 6, 28, 13, 0), Precision.HOUR),
    ("今天 08:05", cst(2022, 6, 28, 8, 5), Precision.MINUTE),
    ("昨天 10:00", cst(2022, 6, 27, 10, 0), Precision.MINUTE),
    ("06-25", cst(2022, 6, 25), Precision.DAY),
    ("06-25 09:10", cst(2022, 6, 25, 9, 10), Precision.MINUTE),
    ("2021-06-25", cst(2021, 6, 25), Precision.DAY),
    ("Sat Jun 25 10:00:00 +0800 2022", cst(2022, 6, 25, 10, 0), Precision.SECOND),
])
def test_weibo_time_forms(text, expected, precision):
    when, prec = parse_weibo_time(text, CAPTURE)
    assert when == expected and prec is precision


def test_absolute_form_in_another_zone_is_converted_to_china_time():
    when, _ = parse_weibo_time("Fri Jun 24 23:30:00 +0000 2022", CAPTURE)
    assert (when.date(), when.hour, when.minute) == (dt.date(2022, 6, 25), 7, 30)


def test_yesterday_just_after_midnight_china_time_from_a_utc_capture():
    # 2022-12-31 16:10 UTC is 2023-01-01 00:10 in China: 昨天 is 31 December 2022.
    capture = dt.datetime(2022, 12, 31, 16, 10, tzinfo=UTC)
    when, _ = parse_weibo_time("昨天 23:50", capture)
    assert when == cst(2022, 12, 31, 23, 50)
    # …and 20 minutes ago is still the old year.
    when, _ = parse_weibo_time("20分钟前", capture)
    assert when == cst(2022, 12, 31, 23, 50)


def test_yesterday_just_before_midnight():
    when, _ = parse_weibo_time("昨天 00:05", cst(2022, 3, 1, 23, 59))
    assert when == cst(2022, 2, 28, 0, 5)


def test_month_day_around_the_year_end():
    new_year = cst(2023, 1, 1, 0, 30)
    assert parse_weibo_time("12-31", new_year)[0] == cst(2022, 12, 31)  # not yet in 2023
    assert parse_weibo_time("01-01", new_year)[0] == cst(2023, 1, 1)  # today counts
    old_year = cst(2022, 12, 31, 23, 30)
    assert parse_weibo_time("12-31", old_year)[0] == cst(2022, 12, 31)
    assert parse_weibo_time("01-01", old_year)[0] == cst(2022, 1, 1)


def test_month_day_of_a_leap_day_goes_to_the_year_that_has_it():
    assert parse_weibo_time("02-29", cst(2024, 3, 1, 9))[0] == cst(2024, 2, 29)
    with pytest.raises(ValueError, match="不是有效日期"):
        parse_weibo_time("02-29", cst(2023, 3, 1, 9))  # neither 2023 nor 2022 has one


def test_unknown_form_names_it():
    with pytest.raises(ValueError, match="无法识别的发布时间“上周三”"):
        parse_weibo_time("上周三", CAPTURE)


# --- Weibo JSON --------------------------------------------------------------------------

def test_weibo_absolute_answer():
    data = json.loads((FIXTURES / "weibo_getindex_absolute.json").read_text("utf-8"))
    posts = parse_weibo_json(data, CAPTURE)
    assert len(posts) == 4  # the "没有更多内容了" card has no mblog
    pinned, fraud, repost, grouped = posts
    assert pinned.pinned and pinned.published_at == cst(2022, 4, 12, 9, 30)
    assert pinned.title == "滁州市公安局关于开展夏季治安打击整治“百日行动”的通告"
    assert fraud.account_name == "滁州治安在线" and fraud.account_id == "5521234567"
    assert fraud.url == "https://m.weibo.cn/status/LxQwErTyU"
    assert fraud.text.startswith("#反诈进行时# 警方提醒") and "<" not in fraud.text
    assert not fraud.is_repost and not fraud.pinned
    assert repost.is_repost and repost.repost_of == "公安部刑侦局"
    assert repost.title == "公安部部署开展夏季治安打击整治“百日行动”"  # the linked article
    assert repost.text.startswith("转发学习")
    assert grouped.published_at == cst(2022, 6, 16, 11, 20, 45)  # from a card_group
    assert all(p.platform is Platform.WEIBO for p in posts)


def test_weibo_relative_answer_resolved_against_capture():
    raw = (FIXTURES / "weibo_getindex_relative.json").read_bytes()
    posts = parse_weibo_json(raw, dt.datetime(2022, 6, 28, 7, 0, tzinfo=UTC))  # 15:00 China
    got = [(p.published_at, p.precision) for p in posts]
    assert got == [
        (cst(2022, 6, 28, 15, 0), Precision.MINUTE),
        (cst(2022, 6, 28, 14, 57), Precision.MINUTE),
        (cst(2022, 6, 28, 13, 0), Precision.HOUR),
        (cst(2022, 6, 27, 10, 0), Precision.MINUTE),
        (cst(2022, 6, 25), Precision.DAY),
        (cst(2021, 12, 30), Precision.DAY),
    ]
    assert posts[4].is_repost and posts[4].repost_of == "中国政府网"
    assert posts[4].title == "国务院办公厅关于进一步优化营商环境降低市场主体制度性交易成本的意见"
    assert posts[4].latest_possible == cst(2022, 6, 25, 23, 59, 59)
    assert posts[0].title == "滁州交警提醒：雨天出行注意安全"


def test_same_answer_captured_in_january_puts_06_25_in_the_previous_year():
    raw = (FIXTURES / "weibo_getindex_relative.json").read_bytes()
    posts = parse_weibo_json(raw, cst(2023, 1, 2, 9, 0))
    assert posts[4].published_at == cst(2022, 6, 25)
    assert posts[3].published_at == cst(2023, 1, 1, 10, 0)


def test_weibo_errors_are_chinese_and_name_the_card():
    with pytest.raises(NewMediaFormatError, match="不是有效的 JSON"):
        parse_weibo_json(b"<html>login</html>", CAPTURE)
    with pytest.raises(NewMediaFormatError, match="返回失败.*这里还没有内容"):
        parse_weibo_json({"ok": 0, "msg": "这里还没有内容", "data": {"cards": []}}, CAPTURE)
    bad = {"ok": 1, "data": {"cards": [{"card_type": 9, "mblog": {"id": "1", "created_at": "x"}},
                                       {"card_type": 9, "mblog": {"id": "42", "created_at": "上周"}}]}}
    bad["data"]["cards"][0]["mblog"]["created_at"] = "刚刚"
    with pytest.raises(NewMediaFormatError, match="第2张卡片（id 42）：无法识别的发布时间“上周”"):
        parse_weibo_json(bad, CAPTURE)
    with pytest.raises(NewMediaFormatError, match="没有 cards"):
        parse_weibo_json({"ok": 1, "data": {}}, CAPTURE)


# --- WeChat article pages (real) ------------------------------------------------------------

@needs_wechat
@pytest.mark.parametrize("name, account, title, published", [
    ("article-1.html", "爱否科技", "三星 Galaxy S20 系列手机正式发布", cst(2020, 2, 12, 22, 17, 54)),
    ("article-2.html", "未闻Code", "一日一技：在 Python 中实现延迟调用", cst(2020, 2, 11, 18, 47, 50)),
])
def test_real_wechat_pages_give_their_exact_publication_time(name, account, title, published):
    page = (WECHAT / name).read_bytes()
    post = parse_wechat_article(page, url=f"https://mp.weixin.qq.com/s/{name}")
    assert post.account_name == account
    assert post.title == title
    assert post.published_at == published and post.precision is Precision.SECOND
    assert post.platform is Platform.WECHAT_OA
    assert post.account_id.startswith("gh_")
    assert len(post.text) > 500  # the article body, not the page chrome


@needs_wechat
def test_visible_relative_date_is_not_used():
    # The saved page shows "昨天"; only the script's ct gives the date.
    page = (WECHAT / "article-1.html").read_text("utf-8")
    assert '<em id="publish_time" class="rich_media_meta rich_media_meta_text">昨天</em>' in page


def test_wechat_page_without_ct_falls_back_to_publish_time_and_then_to_none():
    page = """<html><head><meta property="og:title" content="关于做好防汛工作的通知"></head>
    <body><div id="js_name">滁州水利</div><div id="js_content"><p>各单位：</p></div>
    <script>var publish_time = "2022-06-20" || "";</script></body></html>"""
    post = parse_wechat_article(page)
    assert (post.title, post.account_name) == ("关于做好防汛工作的通知", "滁州水利")
    assert post.published_at == cst(2022, 6, 20) and post.precision is Precision.DAY
    undated = parse_wechat_article(page.replace('var publish_time = "2022-06-20"', "var x = 1"))
    assert undated.published_at is None


def test_not_a_wechat_page():
    with pytest.raises(NewMediaFormatError, match="不是微信公众号文章页"):
        parse_wechat_article("<html><body><p>404 Not Found</p></body></html>", url="http://x/")


# --- feeds -----------------------------------------------------------------------------------

def test_rss_bridge_feed():
    posts = parse_feed((FIXTURES / "wechat_rsshub.xml").read_bytes())
    assert [p.title for p in posts][:2] == ["夏季预防食物中毒，这些知识请收好",
                                            "国务院办公厅关于进一步优化营商环境降低市场主体制度性交易成本的意见"]
    assert posts[0].account_name == "滁州疾控"
    assert posts[0].published_at == cst(2022, 6, 27, 17, 30)  # 09:30 GMT
    assert posts[0].platform is Platform.WECHAT_OA
    assert posts[0].text.startswith("夏季气温高") and "<" not in posts[0].text


def test_atom_feed_with_an_undated_entry():
    posts = parse_feed((FIXTURES / "wechat_atom.xml").read_bytes())
    assert posts[0].account_name == "滁州人社"
    assert posts[0].published_at == cst(2022, 6, 24, 18, 0)
    assert posts[1].published_at == cst(2022, 6, 3, 8, 0)  # only <updated>
    assert posts[2].published_at is None  # undated: never an update (R8)


def test_json_feed():
    posts = parse_feed((FIXTURES / "wechat_jsonfeed.json").read_bytes())
    assert [p.account_name for p in posts] == ["滁州市财政局", "滁州市财政局"]
    assert posts[0].published_at == cst(2022, 6, 21, 10, 15)
    assert posts[1].published_at == cst(2022, 6, 23, 15, 0)
    assert posts[0].text.startswith("根据《安徽省惠民惠农")


def test_bad_feeds():
    with pytest.raises(NewMediaFormatError, match="不是有效的 RSS"):
        parse_feed(b"hello, this is not a feed")
    with pytest.raises(NewMediaFormatError, match="缺少 version"):
        parse_feed(b'{"items": []}')
    with pytest.raises(NewMediaFormatError, match="第1项的发布时间"):
        parse_feed(b'{"version": "https://jsonfeed.org/version/1.1", "items": '
                   b'[{"id": "1", "date_published": "yesterday"}]}')
