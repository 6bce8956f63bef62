"""The evidence replay: a captured page made inert (no script, no request), the finding marked.

Hostile constructs are tested on a written page; the cleaning is also run on every real
government page of ../shared/data/realpages (skipped when absent): nothing active or
outbound survives, the text is kept, and a phrase of the page can be marked."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from lxml import html as lxml_html

from govinspect.extract.encoding import decode
from govinspect.web.workspace.replay import HIT_ID, REPLAY_CSP, sanitise

REAL = Path(__file__).resolve().parents[3] / "shared" / "data" / "realpages" / "pages"
if not REAL.is_dir():
    REAL = Path("/work/shared/data/realpages/pages")

HOSTILE = """<html><head><base href="http://evil.example/"><meta http-equiv="refresh"
content="0;url=http://evil.example/"><link rel="stylesheet" href="http://cdn.example/a.css">
<link rel="prefetch" href="http://evil.example/p"><script src="http://evil.example/x.js"></script>
</head><body onload="alert(1)" background="http://evil.example/bg.png">
<p style="color:red" onclick="alert(2)">办事指南请到<b>政务服务网</b>查询，在线办里。</p>
<a href="javascript:alert(3)">js</a> <a href="http://evil.example/out" target="_blank">外链</a>
<a href="#top">回到顶部</a>
<img src="http://evil.example/i.png" srcset="http://evil.example/i2.png 2x" alt="图">
<iframe src="http://evil.example/f"></iframe><object data="http://evil.example/o"></object>
<embed src="http://evil.example/e"><video src="http://evil.example/v.mp4" poster="http://evil.example/p.png"></video>
<form action="http://evil.example/post"><input formaction="http://evil.example/f2"></form>
<svg><image href="http://evil.example/s.png"/></svg><!-- comment -->
<a href="/guide.html">办事指南</a></body></html>"""


def _outbound(html: str) -> list[str]:
    """Attributes that would make a browser fetch or navigate somewhere."""
    root = lxml_html.document_fromstring(html)
    out = []
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        for name, value in el.attrib.items():
            low = name.lower()
            if low.startswith("on"):
                out.append(f"{el.tag}@{name}")
            elif low in ("src", "srcset", "background", "poster", "action", "formaction",
                         "data", "lowsrc", "ping", "manifest") and not value.startswith("data:"):
                out.append(f"{el.tag}@{name}={value}")
            elif (low in ("href", "xlink:href") or low.endswith("}href")) \
                    and not value.startswith("#"):
                out.append(f"{el.tag}@{name}={value}")
        if el.tag in ("script", "iframe", "frame", "object", "embed", "base", "link", "video",
                      "audio", "source"):
            out.append(el.tag)
        if el.tag == "meta" and el.get("http-equiv"):
            out.append("meta refresh")
    return out


def test_hostile_page_is_inert_and_the_term_is_marked():
    html, hit = sanitise(HOSTILE, "http://site.example.gov.cn/a/index.html", needle="在线办里")
    assert hit
    assert _outbound(html) == []
    assert f'<mark id="{HIT_ID}">在线办里</mark>' in html
    assert "政务服务网" in html and "回到顶部" in html and 'href="#top"' in html
    # links keep their target for the reader, resolved against the page
    assert 'data-href="http://site.example.gov.cn/guide.html"' in html
    assert 'title="http://evil.example/out"' in html
    assert "comment" not in html


def test_link_mark_when_the_finding_is_about_a_link():
    html, hit = sanitise(HOSTILE, "http://site.example.gov.cn/a/index.html",
                         href="http://site.example.gov.cn/guide.html")
    assert hit
    root = lxml_html.document_fromstring(html)
    marked = root.get_element_by_id(HIT_ID)
    assert marked.tag == "a" and marked.text_content() == "办事指南"


def test_captured_stylesheet_is_inlined_others_dropped():
    def resource(url):
        return ("text/css", b"p{color:blue}") if url == "http://cdn.example/a.css" else None

    html, _ = sanitise(HOSTILE, "http://site.example.gov.cn/", resource=resource)
    assert "p{color:blue}" in html and _outbound(html) == []


def test_policy_allows_no_script_and_no_request():
    directives = dict(d.strip().split(" ", 1) if " " in d.strip() else (d.strip(), "")
                      for d in REPLAY_CSP.split(";"))
    assert directives["default-src"] == "'none'"
    assert directives["img-src"] == "data:" and directives["font-src"] == "data:"
    assert "script-src" not in directives  # falls back to 'none'
    assert "sandbox" in directives and directives["form-action"] == "'none'"


@pytest.mark.skipif(not REAL.is_dir(), reason="real pages (../shared/data/realpages) absent")
def test_real_government_pages_replay_inert_with_their_text():
    pages = sorted(REAL.glob("*.htm*"))
    assert len(pages) >= 20
    for path in pages:
        body = path.read_bytes()
        text, _, _ = decode(body)
        source = lxml_html.document_fromstring(text.encode("utf-8"),
                                               parser=lxml_html.HTMLParser(encoding="utf-8"))
        for bad in source.xpath("//script|//style|//noscript|//template|//iframe|//object"):
            bad.drop_tree()
        words = [w for w in re.findall(r"[\u4e00-\u9fff]{6,}", source.text_content())]
        needle = words[len(words) // 2] if words else ""
        html, hit = sanitise(text, f"http://real.example.gov.cn/{path.name}", needle=needle)
        assert _outbound(html) == [], path.name
        if needle:
            assert hit, f"{path.name}: could not mark {needle!r}"
        kept = lxml_html.document_fromstring(html).text_content()
        for word in words[:50]:
            assert word in kept, f"{path.name}: lost {word!r}"


def test_masked_number_and_hidden_block_are_found_on_the_page():
    page = ("<html><body><p>拟聘用人员：钱德成，身份证号码：341122199001011234，大学本科学历。</p>"
            '<div style="display:none;position:absolute;left:-9999px">'
            '<a href="http://casino.example/">永利娱乐</a><a href="http://bet.example/">体育投注</a>'
            "</div></body></html>")
    # a privacy finding's context masks the number it found
    html, hit = sanitise(page, "http://a.gov.cn/", needle="3411**********1234")
    assert hit and f'<mark id="{HIT_ID}">341122199001011234</mark>' in html
    # a dark-link finding's context is the hidden block's markup: the block is marked and shown
    markup = ('<div style="display:none"><a href="http://casino.example/">永利娱乐</a>'
              '<a href="http://bet.example/">体育投注</a></div>')
    html, hit = sanitise(page, "http://a.gov.cn/", needle=markup)
    root = lxml_html.document_fromstring(html)
    assert hit and root.get_element_by_id(HIT_ID).tag == "div"
    assert ":has(#govinspect-hit)" in html and "display:revert!important" in html
    assert not sanitise(page, "http://a.gov.cn/", needle="****")[1]
