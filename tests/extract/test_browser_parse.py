"""The page is read as a browser shows it (issue 16.4, 15): markup that stops or truncates
libxml2 does not make links, text or the footer vanish, and every repair is noted."""

from __future__ import annotations

import pytest

from govinspect.extract import extract_page
from govinspect.extract.dom import MAX_DEPTH, _flatten, parse

FOOTER = '<div class="foot">网站标识码：3411000001 皖ICP备05000001号</div>'
URL = "http://www.a.gov.cn/"


def _facts(html: str):
    return extract_page(html.encode("utf-8"), URL)


@pytest.mark.parametrize("char", ["\x00", "\x01", "\x08", "\x0b", "\x0c", "\x1b", "\x1f", "\x7f"])
def test_control_character_keeps_the_facts(char):
    html = (f"<html><body><h1>关于开展安全检查的通知</h1><p>正文{char}内容。发布日期：2024-01-02</p>"
            f'<a href="/x.html">链接</a>{FOOTER}</body></html>')
    facts = _facts(html)
    assert facts.errors == ()
    assert facts.page_type != "error"
    assert [link.url for link in facts.links] == ["http://www.a.gov.cn/x.html"]
    assert facts.footer.site_id_code == "3411000001"
    assert facts.pub_date == "2024-01-02"


def test_no_control_character_no_note():
    assert _facts(f"<html><body><p>正文</p>{FOOTER}</body></html>").notes == ()


def test_three_hundred_unclosed_font_tags_keep_every_link():
    html = ("<html><body>" + "<font>x" * 300
            + "".join(f'<a href="/{i}.html">L{i}</a>' for i in range(300)) + FOOTER + "</body></html>")
    facts = _facts(html)
    assert len(facts.links) == 300
    assert facts.footer.icp == "皖ICP备05000001号"


def test_text_node_over_ten_megabytes_keeps_what_follows():
    html = ("<html><body><p>" + "文" * (11 * 1024 * 1024) + '</p><a href="/after.html">之后</a>'
            + FOOTER + "</body></html>")
    facts = _facts(html)
    assert [link.text for link in facts.links] == ["之后"]
    assert facts.footer.site_id_code == "3411000001"


def test_hundred_thousand_levels_of_nesting_keep_the_link_and_say_so():
    n = 100_000
    html = ("<html><body>" + "<div>" * n + '<a href="/deep.html">深处</a>' + "</div>" * n
            + FOOTER + "</body></html>")
    facts = _facts(html)
    assert [link.text for link in facts.links] == ["深处"]
    assert facts.footer.site_id_code == "3411000001"
    assert any("嵌套" in note for note in facts.notes)


def test_flatten_keeps_depth_bounded_and_text():
    n = MAX_DEPTH * 3
    flat = _flatten("<div>" * n + "核心" + "</div>" * n + "<p>后</p>")
    doc = parse(flat, URL)
    depth = max(sum(1 for _ in el.iterancestors()) for el in doc.root.iter())
    assert depth <= MAX_DEPTH + 2
    assert "核心" in doc.text and "后" in doc.text


def test_ordinary_depth_is_not_flattened():
    assert _facts("<html><body>" + "<div>" * 300 + "x" + "</div>" * 300 + "</body></html>").notes == ()


def test_stray_html_end_tag_in_an_include_does_not_cut_the_footer():
    html = ('<html><head><title>t</title></head><body><div>头部</div></body></html>'
            '<div class="include">正文</div></html>' + FOOTER
            + '<a href="/z.html">页脚链接</a></body></html>')
    facts = _facts(html)
    assert facts.footer.site_id_code == "3411000001"
    assert facts.footer.icp == "皖ICP备05000001号"
    assert [link.text for link in facts.links] == ["页脚链接"]


def test_text_after_the_closing_html_tag_is_visible():
    # a browser reprocesses what follows </html> in the body (HTML "after after body" mode)
    doc = parse("<html><body><p>甲</p></body></html><table><tr><td>乙</td></tr></table>", URL)
    assert "甲" in doc.text and "乙" in doc.text
