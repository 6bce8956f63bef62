"""Weibo: the public mobile JSON (m.weibo.cn ``container/getIndex`` and ``statuses`` answers).

A timeline answer holds ``data.cards``; a card of type 9 carries one ``mblog``, a card of type
11 a ``card_group`` of such cards. ``created_at`` comes in the absolute form
(``Sat Jun 25 10:00:00 +0800 2022``) or, in answers of the mobile site, relative to the moment
the page was fetched (``刚刚``, ``3分钟前``, ``2小时前``, ``今天 10:00``, ``昨天 10:00``, ``06-25``,
``2021-06-25``); relative forms are resolved against the capture time in China time.
Pure: the caller fetched the JSON (``govinspect.collect.newmedia.fetch``).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator, Mapping
from typing import Any

from govinspect.collect.newmedia.common import NewMediaFormatError, html_to_text
from govinspect.core.newmedia import Post, Precision, shanghai
from govinspect.core.roster import Platform

_AGO = re.compile(r"(\d+)\s*(秒|分钟|小时|天)前")
_DAY_HM = re.compile(r"(今天|昨天|前天)\s*(\d{1,2}):(\d{2})")
_MD = re.compile(r"(\d{1,2})-(\d{1,2})(?:\s+(\d{1,2}):(\d{2}))?")
_YMD = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?")
_ABSOLUTE = "%a %b %d %H:%M:%S %z %Y"
_AGO_UNITS = {"秒": ("seconds", Precision.SECOND), "分钟": ("minutes", Precision.MINUTE),
              "小时": ("hours", Precision.HOUR), "天": ("days", Precision.DAY)}
_DAYS_BACK = {"今天": 0, "昨天": 1, "前天": 2}
_BRACKET_TITLE = re.compile(r"【([^】]{4,80})】")
_SENTENCE_END = re.compile(r"[。！？!?\n]")


def parse_weibo_time(value: str, captured_at: dt.datetime) -> tuple[dt.datetime, Precision]:
    """``created_at`` as an aware datetime (China time) and how exactly it is known.

    Relative forms count from ``captured_at`` (a naive capture time is China time). A month-day
    (``06-25``) is in the capture year unless that day is still to come, then the year before.
    Raises ``ValueError`` (zh-hans) for a form it does not know.
    """
    text = (value or "").strip()
    now = shanghai(captured_at)
    if not text:
        raise ValueError("发布时间为空")
    try:
        return dt.datetime.strptime(text, _ABSOLUTE).astimezone(now.tzinfo), Precision.SECOND
    except ValueError:
        pass
    if text == "刚刚":
        return now, Precision.MINUTE
    if m := _AGO.fullmatch(text):
        unit, precision = _AGO_UNITS[m.group(2)]
        return now - dt.timedelta(**{unit: int(m.group(1))}), precision
    if m := _DAY_HM.fullmatch(text):
        day = now.date() - dt.timedelta(days=_DAYS_BACK[m.group(1)])
        return _at(day, int(m.group(2)), int(m.group(3)), now, text), Precision.MINUTE
    if m := _YMD.fullmatch(text):
        y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
        day = _date(y, mo, d, text)
        if m.group(4):
            return _at(day, int(m.group(4)), int(m.group(5)), now, text, int(m.group(6) or 0)), (
                Precision.SECOND if m.group(6) else Precision.MINUTE)
        return _at(day, 0, 0, now, text), Precision.DAY
    if m := _MD.fullmatch(text):
        mo, d = int(m.group(1)), int(m.group(2))
        day = None
        for year in (now.year, now.year - 1):  # this year, unless that day has not come yet
            try:
                candidate = dt.date(year, mo, d)
            except ValueError:
                continue
            if candidate <= now.date():
                day = candidate
                break
        if day is None:
            raise ValueError(f"发布时间“{text}”不是有效日期")
        if m.group(3):
            return _at(day, int(m.group(3)), int(m.group(4)), now, text), Precision.MINUTE
        return _at(day, 0, 0, now, text), Precision.DAY
    raise ValueError(f"无法识别的发布时间“{text}”")


def _date(y: int, mo: int, d: int, text: str) -> dt.date:
    try:
        return dt.date(y, mo, d)
    except ValueError:
        raise ValueError(f"发布时间“{text}”不是有效日期") from None


def _at(day: dt.date, hour: int, minute: int, now: dt.datetime, text: str,
        second: int = 0) -> dt.datetime:
    try:
        return dt.datetime.combine(day, dt.time(hour, minute, second), tzinfo=now.tzinfo)
    except ValueError:
        raise ValueError(f"发布时间“{text}”中的时刻无效") from None


def _mblogs(data: Mapping[str, Any]) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """(where, mblog) for every post of an answer, in order."""
    body = data.get("data") if isinstance(data.get("data"), Mapping) else data
    if "cards" in body:
        for i, card in enumerate(body.get("cards") or (), start=1):
            if not isinstance(card, Mapping):
                continue
            if isinstance(card.get("mblog"), Mapping):
                yield f"第{i}张卡片", card["mblog"]
            for j, sub in enumerate(card.get("card_group") or (), start=1):
                if isinstance(sub, Mapping) and isinstance(sub.get("mblog"), Mapping):
                    yield f"第{i}张卡片第{j}项", sub["mblog"]
        return
    for key in ("statuses", "list"):
        if key in body:
            for i, mblog in enumerate(body.get(key) or (), start=1):
                if isinstance(mblog, Mapping):
                    yield f"第{i}条", mblog
            return
    raise NewMediaFormatError("微博数据中没有 cards 或 statuses 列表，不是微博移动端接口的返回内容")


def _title(mblog: Mapping[str, Any], text: str) -> str:
    """The article title when the post links one, the 【…】 headline, or the first sentence."""
    page = mblog.get("page_info")
    if isinstance(page, Mapping):
        for key in ("page_title", "content1"):
            value = str(page.get(key) or "").strip()
            if value and page.get("type") in ("article", "webpage", "story", None):
                return value
    if m := _BRACKET_TITLE.search(text):
        return m.group(1).strip()
    first = _SENTENCE_END.split(text.strip(), 1)[0]
    return first[:60].strip()


def _status_url(mblog: Mapping[str, Any]) -> str:
    ident = mblog.get("bid") or mblog.get("mblogid") or mblog.get("id") or ""
    return f"https://m.weibo.cn/status/{ident}" if ident else ""


def parse_weibo_json(data: Mapping[str, Any] | str | bytes, captured_at: dt.datetime
                     ) -> list[Post]:
    """The posts of one Weibo mobile JSON answer, in the order given (a pinned post first).

    A retweet is marked ``is_repost`` with the original author; its title is the original's
    (that is what a 转载任务 asks for) and its text holds the comment and the original.
    Raises ``NewMediaFormatError`` (zh-hans, naming the card) on input it cannot read.
    """
    if isinstance(data, bytes | str):
        try:
            data = json.loads(data)
        except ValueError as exc:
            raise NewMediaFormatError(f"微博数据不是有效的 JSON：{exc}") from exc
    if not isinstance(data, Mapping):
        raise NewMediaFormatError("微博数据的顶层应为 JSON 对象")
    if data.get("ok") not in (None, 1, "1", True):
        msg = data.get("msg") or data.get("message") or "未知原因"
        raise NewMediaFormatError(f"微博接口返回失败（ok={data.get('ok')!r}）：{msg}")
    posts: list[Post] = []
    for where, mblog in _mblogs(data):
        mid = str(mblog.get("id") or mblog.get("mid") or "")
        label = f"微博数据{where}" + (f"（id {mid}）" if mid else "")
        try:
            published, precision = parse_weibo_time(str(mblog.get("created_at") or ""),
                                                    captured_at)
        except ValueError as exc:
            raise NewMediaFormatError(f"{label}：{exc}") from None
        user = mblog.get("user") if isinstance(mblog.get("user"), Mapping) else {}
        own = html_to_text(str(mblog.get("text") or ""))
        original = mblog.get("retweeted_status")
        is_repost = isinstance(original, Mapping)
        if is_repost:
            o_user = original.get("user") if isinstance(original.get("user"), Mapping) else {}
            o_text = html_to_text(str(original.get("text") or ""))
            title = _title(original, o_text)
            text = f"{own}\n{o_text}".strip()
            repost_of = str(o_user.get("screen_name") or "")
        else:
            title, text, repost_of = _title(mblog, own), own, ""
        title_info = mblog.get("title") if isinstance(mblog.get("title"), Mapping) else {}
        posts.append(Post(
            platform=Platform.WEIBO,
            account_name=str(user.get("screen_name") or ""),
            account_id=str(user.get("id") or ""),
            title=title,
            text=text,
            published_at=published,
            precision=precision,
            url=_status_url(mblog),
            post_id=mid,
            is_repost=is_repost,
            repost_of=repost_of,
            pinned=bool(mblog.get("isTop")) or title_info.get("text") == "置顶",
            source="weibo-json",
        ))
    return posts
