"""Feeds: RSS 2.0 / Atom through feedparser, JSON Feed 1.x directly (feedparser 6.0 does not
read it). Offices follow 公众号 through feed bridges (RSSHub-style ``/wechat/…`` routes, WeRSS,
wechat2rss …) that publish one item per article; the feed title names the account.
Pure: bytes in, posts out.
"""

from __future__ import annotations

import calendar
import datetime as dt
import json

from govinspect.collect.newmedia.common import NewMediaFormatError, html_to_text
from govinspect.core.newmedia import Post, Precision, platform_of, shanghai
from govinspect.core.roster import Platform


def _platform_for(link: str, default: Platform) -> Platform:
    if "mp.weixin.qq.com" in link:
        return Platform.WECHAT_OA
    if "weibo.com" in link or "weibo.cn" in link:
        return Platform.WEIBO
    if "toutiao.com" in link:
        return Platform.TOUTIAO
    if "douyin.com" in link:
        return Platform.DOUYIN
    return default


def _iso(value: str) -> dt.datetime | None:
    try:
        parsed = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return shanghai(parsed)  # a time without zone is China time


def parse_feed(data: bytes | str, captured_at: dt.datetime | None = None, *,
               platform: Platform | str | None = None, account_name: str = "") -> list[Post]:
    """The items of an RSS, Atom or JSON feed as posts, newest first as the feed lists them.

    ``platform`` / ``account_name`` override what the links and the feed title say. An item
    without a date has ``published_at=None`` (undated items never count as updates).
    ``captured_at`` is accepted for symmetry with the other parsers; feed dates are absolute.
    Raises ``NewMediaFormatError`` when the bytes are not a feed.
    """
    del captured_at  # feed dates carry their own zone
    if isinstance(data, str):
        data = data.encode("utf-8")
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    default = (platform_of(platform) if isinstance(platform, str) else platform) or Platform.OTHER
    if head in (b"{", b"["):
        return _json_feed(data, default, account_name)
    import feedparser

    parsed = feedparser.parse(data)
    if not parsed.version and not parsed.entries:
        why = f"（{parsed.bozo_exception}）" if parsed.get("bozo") else ""
        raise NewMediaFormatError(f"订阅源不是有效的 RSS、Atom 或 JSON Feed{why}")
    feed_title = account_name or str(parsed.feed.get("title") or "").strip()
    posts = []
    for entry in parsed.entries:
        link = str(entry.get("link") or "")
        stamp = entry.get("published_parsed") or entry.get("updated_parsed")
        # feedparser normalises to UTC struct_time; timegm keeps it UTC.
        when = (dt.datetime.fromtimestamp(calendar.timegm(stamp), dt.UTC) if stamp else None)
        summary = ""
        if entry.get("content"):
            summary = entry["content"][0].get("value", "")
        summary = summary or entry.get("summary", "")
        author = str(entry.get("author") or "").strip()
        posts.append(Post(
            platform=_platform_for(link, default),
            account_name=feed_title or author,
            account_id=str(parsed.feed.get("link") or ""),
            title=html_to_text(str(entry.get("title") or "")),
            text=html_to_text(summary),
            published_at=shanghai(when) if when else None,
            precision=Precision.SECOND,
            url=link,
            post_id=str(entry.get("id") or link),
            source="feed",
        ))
    return posts


def _json_feed(data: bytes, default: Platform, account_name: str) -> list[Post]:
    try:
        feed = json.loads(data.decode("utf-8-sig"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise NewMediaFormatError(f"订阅源不是有效的 JSON：{exc}") from exc
    if not isinstance(feed, dict) or "jsonfeed.org" not in str(feed.get("version", "")):
        raise NewMediaFormatError("JSON 订阅源缺少 version（应为 https://jsonfeed.org/version/1.1）")
    items = feed.get("items")
    if not isinstance(items, list):
        raise NewMediaFormatError("JSON Feed 缺少 items 列表")
    title = account_name or str(feed.get("title") or "").strip()
    posts = []
    for i, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            raise NewMediaFormatError(f"JSON Feed 第{i}项不是对象")
        link = str(item.get("url") or item.get("external_url") or "")
        stamp = item.get("date_published") or item.get("date_modified")
        when = _iso(str(stamp)) if stamp else None
        if stamp and when is None:
            raise NewMediaFormatError(f"JSON Feed 第{i}项的发布时间“{stamp}”不是 RFC 3339 时间")
        authors = item.get("authors") or ([item["author"]] if item.get("author") else [])
        author = str((authors[0] or {}).get("name", "")) if authors else ""
        posts.append(Post(
            platform=_platform_for(link, default),
            account_name=title or author,
            account_id=str(feed.get("home_page_url") or feed.get("feed_url") or ""),
            title=str(item.get("title") or "").strip(),
            text=str(item.get("content_text") or "") or html_to_text(
                str(item.get("content_html") or item.get("summary") or "")),
            published_at=when,
            url=link,
            post_id=str(item.get("id") or link),
            source="feed",
        ))
    return posts
