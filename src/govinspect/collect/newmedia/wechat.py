"""WeChat 公众号 article pages (mp.weixin.qq.com/s/…).

The visible date of a saved page is relative or empty ("昨天"); the true publication time is
the Unix timestamp in the page script, ``var ct = "1581517074"``. Account and title come from
``var nickname`` / ``var msg_title`` (falling back to the markup). Pure: HTML in, Post out.
"""

from __future__ import annotations

import datetime as dt
import html as htmllib
import re

from govinspect.collect.newmedia.common import NewMediaFormatError, html_to_text
from govinspect.core.newmedia import SHANGHAI, Post, Precision
from govinspect.core.roster import Platform


def _var(name: str) -> re.Pattern[str]:
    # var NAME = "…" | '…' | htmlDecode("…") — also `d.NAME = …` / `window.NAME = …`.
    return re.compile(
        rf"""(?:\bvar\s+|[.\s]){name}\s*=\s*(?:htmlDecode\()?\s*(["'])((?:\\.|(?!\1).)*)\1""",
        re.S)


_TIMESTAMP_VARS = ("ct", "create_time", "ori_create_time")
_TEXT_VARS = {name: _var(name) for name in
              ("nickname", "msg_title", "msg_link", "msg_desc", "user_name", "publish_time",
               "msg_source_url", *_TIMESTAMP_VARS)}
_JS_ESCAPE = re.compile(r"\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|.)", re.S)
_PUBLISH_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:\s+(\d{1,2}):(\d{2}))?")


def _js_unescape(value: str) -> str:
    def one(m: re.Match[str]) -> str:
        s = m.group(1)
        if s[0] in "xu" and len(s) > 1:
            return chr(int(s[1:], 16))
        return {"n": "\n", "t": "\t", "r": ""}.get(s, s)

    return htmllib.unescape(_JS_ESCAPE.sub(one, value)).strip()


def _script_value(page: str, name: str) -> str:
    # The first non-empty assignment wins (pages often assign "" first and the value later).
    for m in _TEXT_VARS[name].finditer(page):
        value = _js_unescape(m.group(2))
        if value:
            return value
    return ""


def _markup(page: str):
    import lxml.html

    try:
        return lxml.html.document_fromstring(page)
    except Exception:  # noqa: BLE001 - junk markup: the script variables may still be there
        return None


def _first_text(root, xpath: str) -> str:
    if root is None:
        return ""
    for el in root.xpath(xpath):
        value = el if isinstance(el, str) else el.text_content()
        value = " ".join(str(value).split())
        if value:
            return value
    return ""


def publication_time(page: str) -> tuple[dt.datetime, Precision] | None:
    """The publication time from the page script: ``ct`` (Unix seconds) first, then the
    ``publish_time`` date string. ``None`` when the page carries neither."""
    for name in _TIMESTAMP_VARS:
        value = _script_value(page, name)
        if value.isdigit() and len(value) >= 9:
            return dt.datetime.fromtimestamp(int(value), SHANGHAI), Precision.SECOND
    value = _script_value(page, "publish_time")
    if m := _PUBLISH_DATE.search(value):
        y, mo, d = (int(g) for g in m.group(1, 2, 3))
        try:
            if m.group(4):
                return (dt.datetime(y, mo, d, int(m.group(4)), int(m.group(5)), tzinfo=SHANGHAI),
                        Precision.MINUTE)
            return dt.datetime(y, mo, d, tzinfo=SHANGHAI), Precision.DAY
        except ValueError:
            return None
    return None


def parse_wechat_article(page: str | bytes, url: str = "") -> Post:
    """One 公众号 article page → a Post with the account, the title and the true publication
    time. Raises ``NewMediaFormatError`` when the page is not a WeChat article (no title and
    no account). An article without a publication time gets ``published_at=None`` (R8)."""
    if isinstance(page, bytes):
        page = page.decode("utf-8", errors="replace")
    root = _markup(page)
    account = (_script_value(page, "nickname")
               or _first_text(root, '//*[@id="js_name"]')
               or _first_text(root, '//meta[@property="og:article:author"]/@content'))
    title = (_script_value(page, "msg_title")
             or _first_text(root, '//meta[@property="og:title"]/@content')
             or _first_text(root, '//*[@id="activity-name"]'))
    if not title and not account:
        raise NewMediaFormatError(
            f"{url or '页面'}：不是微信公众号文章页（找不到 msg_title、nickname 或 activity-name）")
    when = publication_time(page)
    body = ""
    if root is not None:
        content = root.xpath('//*[@id="js_content"]')
        if content:
            import lxml.html

            body = html_to_text(lxml.html.tostring(content[0], encoding="unicode"))
    link = url or _script_value(page, "msg_link") or _first_text(
        root, '//meta[@property="og:url"]/@content')
    return Post(
        platform=Platform.WECHAT_OA,
        account_name=account,
        account_id=_script_value(page, "user_name"),
        title=title,
        text=body or _script_value(page, "msg_desc"),
        published_at=when[0] if when else None,
        precision=when[1] if when else Precision.SECOND,
        url=link,
        source="wechat-page",
    )
