"""Property tests: whatever the bytes, extract_page returns facts and never raises."""

from __future__ import annotations

from datetime import datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from govinspect.extract import PageFacts, extract_page

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

TAGS = ["html", "head", "body", "div", "p", "a", "li", "ul", "table", "tr", "td", "span", "h1",
        "script", "style", "title", "meta", "br", "font", "o:p", "!--", "?xml"]
TEXTS = ["发布日期：", "成文日期：", "2022年7月27日", "2022-07-27 15:43", "豫政〔2023〕27号", "〔",
         "号", "网站标识码：", "皖ICP备", "留言时间：", "暂无信息", "昨天", "3小时前", "索引号：",
         "\u200b", "\x00", "&nbsp;", "&#xD800;", "<", ">", "\"", "'", "首页 > ", "99-99", "2022年13月40日"]


@st.composite
def html_soup(draw):
    parts = []
    for _ in range(draw(st.integers(0, 60))):
        kind = draw(st.integers(0, 4))
        if kind == 0:
            tag = draw(st.sampled_from(TAGS))
            attr = draw(st.sampled_from(["", ' style="display:none"', ' href="../x_1.html"',
                                         ' name="PubDate" content="2022-13-01"', ' charset="gbk"',
                                         ' class="title"', ' href="javascript:void(0)"',
                                         ' src="http://[::1"', ' href="http://[bad"']))
            parts.append(f"<{tag}{attr}>")
        elif kind == 1:
            parts.append(f"</{draw(st.sampled_from(TAGS))}>")
        elif kind == 2:
            parts.append(draw(st.sampled_from(TEXTS)))
        else:
            parts.append(draw(st.text(max_size=30)))
    return "".join(parts)


def _check(facts):
    assert isinstance(facts, PageFacts)
    facts.to_json()


@FAST
@given(st.binary(max_size=4000))
def test_random_bytes(body):
    _check(extract_page(body, "http://x.gov.cn/a/b.html"))


@FAST
@given(html_soup(), st.sampled_from(["utf-8", "gb18030", "utf-16", "big5", "latin-1"]),
       st.sampled_from(["", "http://x.gov.cn/", "not a url", "http://[::1/x"]),
       st.one_of(st.none(), st.datetimes(min_value=datetime(1990, 1, 1))))
def test_random_html(soup, encoding, url, fetched_at):
    body = soup.encode(encoding, errors="ignore")
    _check(extract_page(body, url, fetched_at))


def test_deep_nesting_and_huge_attributes():
    deep = "<div>" * 5000 + "发布日期：2022-07-27" + "</div>" * 5000
    _check(extract_page(deep.encode(), "http://x.gov.cn/"))
    huge = '<a href="' + "x" * 2_000_000 + '">链接</a><p title="' + "标" * 500_000 + '">正文</p>'
    _check(extract_page(huge.encode(), "http://x.gov.cn/"))


def test_wrong_declared_encoding_and_bad_input_types():
    gbk = '<meta charset="utf-8"><h1>关于开展检查的通知</h1>发布时间：2022-07-27'.encode("gb18030")
    facts = extract_page(gbk, "http://x.gov.cn/")
    assert facts.encoding.declared == "utf-8" and facts.encoding.detected == "gb18030"
    assert facts.title == "关于开展检查的通知"
    _check(extract_page(b"", "http://x.gov.cn/"))
    _check(extract_page(None, None, "not a date"))  # type: ignore[arg-type]
    _check(extract_page(b"<?xml version='1.0' encoding='utf-8'?><html>x</html>", ""))
