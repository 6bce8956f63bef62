"""Dark links and injected content in HTML."""

from govinspect.core.types import Confidence
from govinspect.rules.darklinks import check_dark_links, html_to_text

PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>某某县人民政府</title>
<style>.hd1 {{ display: none }} .nav li ul {{ display:none }}</style></head><body>
<div class="nav"><ul><li><a href="/zwgk/">政务公开</a><ul><li><a href="/zwgk/tzgg/">通知公告</a></li></ul></li></ul></div>
<div class="content"><p>县政府召开常务会议，研究部署安全生产工作。</p></div>
{injected}
<div class="footer">主办单位：某某县人民政府办公室 <a href="http://www.gov.cn/">中国政府网</a>
<select style="display:none"><option>友情链接</option></select>
<div style="display:none"><a href="https://www.ah.gov.cn/">安徽省人民政府</a></div>
皖公网安备34110202000123号</div></body></html>"""


def test_clean_government_page_has_no_dark_links():
    html = PAGE.format(injected="")
    assert check_dark_links(html, url="http://www.xx.gov.cn/index.html") == []


def test_offscreen_block_with_gambling_links_is_certain():
    injected = ('<div style="position:absolute; top:-9999px; left:-9999px">'
                '<a href="http://www.amxx-casino.example/">澳门威尼斯人</a>'
                '<a href="http://pk10.example/">北京赛车pk10</a></div>')
    html = PAGE.format(injected=injected)
    page = html_to_text(html)
    [f] = check_dark_links(html, url="http://www.xx.gov.cn/index.html", page=page)
    assert f.rule_id == "GI-S001" and f.indicator_id == "W-V1"
    assert f.confidence == Confidence.CERTAIN
    assert "top" in f.details["reason"]
    assert page.text[f.details["start"]:f.details["end"]].startswith("澳门威尼斯人")


def test_stylesheet_hidden_class_with_outbound_link_is_suspected():
    injected = '<div class="hd1"><a href="http://seo-spam.example/">点击进入</a></div>'
    [f] = check_dark_links(PAGE.format(injected=injected), url="http://www.xx.gov.cn/")
    assert f.confidence == Confidence.SUSPECTED and f.details["hosts"] == ["seo-spam.example"]


def test_same_colour_text_and_tiny_marquee():
    injected = ('<p style="color:#fff;background-color:#fff">传奇私服 一刀999</p>'
                '<marquee height="1" width="1"><a href="http://sf.example/">私服发布</a></marquee>')
    findings = check_dark_links(PAGE.format(injected=injected), url="http://www.xx.gov.cn/")
    assert len(findings) == 2
    assert {"文字颜色与背景色相同"} <= {f.details["reason"] for f in findings}


def test_script_written_spam_link():
    injected = ("<script>document.write(unescape('%3Cdiv style=%22display:none%22%3E%3Ca "
                "href=%22http://bet.example/%22%3E%E7%9C%9F%E4%BA%BA%E5%A8%B1%E4%B9%90"
                "%3C/a%3E%3C/div%3E'))</script>")
    [f] = check_dark_links(PAGE.format(injected=injected), url="http://www.xx.gov.cn/")
    assert f.rule_id == "GI-S002" and "bet.example" in f.details["hosts"]


def test_analytics_script_is_not_a_dark_link():
    injected = ('<script>var _hmt = _hmt || [];(function() {var hm = document.createElement("script");'
                'hm.src = "https://hm.baidu.com/hm.js?abc";var s = document.getElementsByTagName'
                '("script")[0];s.parentNode.insertBefore(hm, s);})();</script>')
    assert check_dark_links(PAGE.format(injected=injected), url="http://www.xx.gov.cn/") == []


# --- official hidden blocks on real pages (issue 15): shapes seen on real government pages,
# rewritten (no page bytes copied) -------------------------------------------------------

def test_hidden_jiucuo_link_served_from_an_ip_is_not_a_dark_link():
    # a JCMS site's 找错 entry kept in the template but hidden; the link points at a bare IP
    injected = ('<a style="display:none;" href="http://121.43.68.40/exposure/jiucuo.html?'
                'site_code=3300000020&amp;url=http%3A%2F%2Fwww.example.gov.cn%2F" target="_blank">'
                '<img style="display:none;" src="/picture/jiucuo.png" title=""></a>')
    assert check_dark_links(PAGE.format(injected=injected), url="http://fgw.xx.gov.cn/art/1.html") == []


def test_hidden_footer_with_the_party_government_logo_is_not_a_dark_link():
    injected = ('<div class="footer" ng-controller="footerCtrl" style="display:none">'
                '<span id="_ideConac"><a href="https://bszs.conac.cn/sitename?method=show&amp;'
                'id=0A1B2C"><img src="/images/red.png"></a></span>'
                '<a href="https://wza.isc.org.cn/rzpt/bsgl/dt/20200101/1.html">适老化无障碍服务</a></div>')
    assert check_dark_links(PAGE.format(injected=injected), url="http://www.xx.gov.cn/") == []


def test_dropdown_menu_of_institutions_and_media_is_navigation():
    items = "".join(f'<li><a href="{href}" target="_blank">{name}</a></li>' for href, name in (
        ("http://www.cae.cn/", "中国工程院"), ("http://www.cass.cn/", "中国社会科学院"),
        ("http://www.chinadaily.com.cn/", "中国日报网"), ("http://www.ce.cn/", "中国经济网"),
        ("https://www.gov.mo/", "澳门特别行政区政府")))
    injected = f'<ul class="dropdown-menu" style="display: none;">{items}</ul>'
    assert check_dark_links(PAGE.format(injected=injected), url="http://www.xx.gov.cn/") == []


def test_font_size_zero_row_of_reporting_badges_is_not_hidden():
    injected = ('<div style="width:300px;height:98px;float:left;font-size:0;">'
                '<a href="http://www.12377.cn"><img src="/p/wfhbljb.jpg" width="165"></a>'
                '<a href="http://xjwljb.com"><img src="/p/xjwljb.jpg" width="117"></a>'
                '<a href="http://shop.example.com/"><img src="/p/ad.jpg"></a></div>')
    assert check_dark_links(PAGE.format(injected=injected), url="http://www.xx.gov.cn/") == []


def test_hidden_commercial_anchor_among_navigation_is_still_reported():
    injected = ('<ul class="dropdown-menu" style="display:none"><li><a href="http://www.cae.cn/">'
                '中国工程院</a></li><li><a href="http://daikai-fapiao.example/">代开发票</a></li></ul>')
    [f] = check_dark_links(PAGE.format(injected=injected), url="http://www.xx.gov.cn/")
    assert f.details["hosts"] == ["daikai-fapiao.example"]


def test_malformed_ipv6_link_in_a_hidden_block_does_not_raise():
    injected = '<div style="display:none"><a href="http://[fe80::1">x</a></div>'
    assert check_dark_links(PAGE.format(injected=injected), url="http://www.xx.gov.cn/") == []


def test_css_rules_parser_skips_media_blocks_and_comments():
    from govinspect.rules.darklinks import css_rules

    css = ("/* .x{display:none} */ .a{display:none} @media (max-width:600px){.b{display:none}}"
           " .c { color:red } /* unclosed")
    assert [(s.strip(), b.strip()) for s, b in css_rules(css)] == [
        (".a", "display:none"), (".c", "color:red")]


# --- real markup (issue 15) ---------------------------------------------------------------

_MEDIA = (("http://www.people.com.cn/", "人民网"), ("http://www.gmw.cn/", "光明网"),
          ("http://www.ce.cn/", "中国经济网"), ("http://www.cyol.net/", "中国青年报 中青在线"),
          ("http://gb.cri.cn/", "中国国际广播电台 国际在线"), ("http://www.cntv.cn/", "央视国际"),
          ("http://www.qianlong.com/", "千龙网"), ("http://www.bjd.com.cn/", "京报网"))


def test_dropdown_of_news_sites_is_a_menu_even_where_a_name_is_not_recognised():
    # a district portal's 新闻网站 dropdown: 央视国际 does not read as a medium's name, but the
    # block is a menu of related sites
    items = "".join(f'<li><a href="{h}" target="_blank" title="{n}">{n}</a></li>' for h, n in _MEDIA)
    injected = f'<ul class="dropdown-menu" style="display: none;">{items}</ul>'
    assert check_dark_links(PAGE.format(injected=injected), url="http://www.xx.gov.cn/") == []


def test_a_block_of_commercial_links_is_no_menu():
    items = "".join(f'<a href="http://shop{i}.example/">特价商品{i}</a>' for i in range(6))
    items += '<a href="http://www.people.com.cn/">人民网</a>'
    injected = f'<div style="display:none">{items}</div>'
    [f] = check_dark_links(PAGE.format(injected=injected), url="http://www.xx.gov.cn/")
    assert len(f.details["hosts"]) == 6


def test_spam_words_in_a_menu_are_still_reported():
    items = "".join(f'<li><a href="{h}">{n}</a></li>' for h, n in _MEDIA)
    items += '<li><a href="http://bet.example/">澳门威尼斯人</a></li>'
    injected = f'<ul class="dropdown-menu" style="display:none">{items}</ul>'
    [f] = check_dark_links(PAGE.format(injected=injected), url="http://www.xx.gov.cn/")
    assert f.confidence == Confidence.CERTAIN and f.details["words"]


def test_block_shown_on_phones_by_a_media_rule_is_responsive_layout():
    # a provincial portal: .main-mtop {display:none}, @media (max-width:768px) shows it
    html = PAGE.format(injected=(
        '<style>.main-mtop { display: none; } @media screen and (max-width: 768px) {'
        ' .main-mtop { display: block; } }</style><div class="main-mtop">'
        '<a href="https://znwd.example.cn/ghwd/index.html">智能问答</a></div>'))
    assert check_dark_links(html, url="http://www.xx.gov.cn/") == []
    hidden_everywhere = html.replace("display: block", "display: none")
    assert len(check_dark_links(hidden_everywhere, url="http://www.xx.gov.cn/")) == 1


def test_font_size_in_rem_is_not_a_zero_size():
    injected = ('<a href="https://znwd.example.cn/" style="font-size:1rem;float:right">智能问答</a>'
                '<div style="font-size:0.05em"><a href="http://seo.example/">点击</a></div>')
    [f] = check_dark_links(PAGE.format(injected=injected), url="http://www.xx.gov.cn/")
    assert f.details["hosts"] == ["seo.example"]


def _on_page(html: str):
    """Both rules as the engine runs them: on the tree extraction's parse kept (Doc.pristine)."""
    from govinspect.core.types import CaptureRecord, SiteKind, SiteRef
    from govinspect.extract import extract_page
    from govinspect.rules.darklinks import hidden_links_on_page, scripted_links_on_page
    from govinspect.rules.inputs import PageInput

    url = "http://www.xx.gov.cn/index.html"
    site = SiteRef("xx", "某某县人民政府", "http://www.xx.gov.cn/", SiteKind.PORTAL,
                   ("www.xx.gov.cn",))
    body = html.encode()
    cap = CaptureRecord("xx", url, url, 200, "text/html", "", 1, None, "", 0, "")
    page = PageInput(cap, body, site=site, facts=extract_page(body, url))

    class Ctx:
        lexicon = None

    return hidden_links_on_page(page, Ctx()) + scripted_links_on_page(page, Ctx())


def test_engine_reads_the_page_as_parsed_before_extraction_dropped_hidden_blocks():
    injected = ('<div style="display:none"><!-- seo --><a href="http://bet.example/">'
                '澳门威尼斯人</a></div>')
    [f] = _on_page(PAGE.format(injected=injected))
    assert f.rule_id == "GI-S001" and f.details["hosts"] == ["bet.example"]
    assert f.evidence.context == ('<div style="display:none"><a href="http://bet.example/">'
                                  '澳门威尼斯人</a></div>')  # comments are not kept
    assert f.details["text"] == "澳门威尼斯人\n"
    assert _on_page(PAGE.format(injected="")) == []


def test_script_after_the_end_of_the_document_is_read_as_a_browser_runs_it():
    script = ('<script>document.write(\'<div style="display:none"><a href="http://pk10.example/">'
              '北京赛车pk10</a></div>\')</script>')
    [f] = _on_page(PAGE.format(injected="") + script)
    assert f.rule_id == "GI-S002" and f.details["hosts"] == ["pk10.example"]
