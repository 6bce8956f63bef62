"""Site search (W-D25), the pure half: forms of real gov CMSs, the request a browser sends,
the drawn sample, and reading results pages."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

from govinspect.collect.options import CollectOptions
from govinspect.collect.search import (
    candidate_pages,
    draw_order,
    find_search_form,
    read_results,
    search_request,
    usable_title,
)
from govinspect.collect.search_probe import Client

HOME = "http://www.example.gov.cn/"
TITLE = "示例市人民政府办公室关于印发《示例市优化营商环境三年行动计划（2022—2024年）》的通知"
PAGE = "http://www.example.gov.cn/zwgk/zcwj/202206/t20220627_1234567.html"

# TRS WCM/WAS: hidden channel id, keyword ``searchword``, opens a new window.
TRS = """<div class="head"><div class="ss"><form name="searchform" action="/was5/web/search"
 method="get" target="_blank" onsubmit="return check()"><input type="hidden" name="channelid"
 value="218463"><input type="text" name="searchword" id="searchword" value="请输入关键字"
 onfocus="this.value=''"><input type="image" src="/images/ss.png"></form></div></div>"""
# 大汉 jsearch: POST with webid/pg/p/tpl, keyword ``q``.
HANWEB = """<form action="http://www.example.gov.cn/jsearch/search.do" method="post"
 id="searchForm"><input type="hidden" name="webid" value="12"><input type="hidden" name="pg"
 value="10"><input type="hidden" name="p" value="1"><input type="hidden" name="tpl" value="">
<input type="text" name="q" placeholder="搜索"><a href="javascript:void(0)"
 onclick="document.getElementById('searchForm').submit()">搜 索</a></form>"""
# A keyword form with a scope select and a checkbox, on a GBK site.
KEYWORD = """<form action="search/search.jsp?x=1#top" accept-charset="gb2312" method="GET">
<select name="field"><option value="title">标题</option><option value="all" selected>全文</option>
</select><input type="checkbox" name="exact" value="1" checked><input type="checkbox"
 name="old"><input type="text" name="keyword" class="search-input"><button type="submit"
 name="btn" value="go">站内搜索</button></form>"""
LOGIN = """<form action="/member/login.do" method="post"><input type="text" name="username"
 placeholder="请输入用户名"><input type="password" name="password"><button>登录</button></form>"""
SUBSCRIBE = """<form action="/subscribe.do" method="post"><input type="text" name="email"
 placeholder="请输入邮箱地址"><button>订阅</button></form>"""
MESSAGE = """<form action="/hdjl/submit.do" method="post"><input type="text" name="title">
<textarea name="content"></textarea><button>提交留言</button></form>"""
SCRIPT_ONLY = """<div class="search"><input type="text" id="kw" placeholder="请输入关键字">
<a href="javascript:;" onclick="window.open('/s?q='+encodeURIComponent(kw.value))">搜索</a></div>"""


def page(body: str) -> str:
    return f"<html><head><title>示例市人民政府</title></head><body>{body}</body></html>"


# ── forms ─────────────────────────────────────────────────────────────────────────────────

def test_forms_of_common_gov_cms_are_found():
    trs = find_search_form(page(TRS), HOME)
    assert (trs.action, trs.method, trs.field) == (
        "http://www.example.gov.cn/was5/web/search", "GET", "searchword")
    assert trs.fields == (("channelid", "218463"), ("searchword", ""))  # the query goes there
    hanweb = find_search_form(page(HANWEB), HOME)
    assert (hanweb.method, hanweb.field) == ("POST", "q")
    assert dict(hanweb.fields) == {"webid": "12", "pg": "10", "p": "1", "tpl": "", "q": ""}
    kw = find_search_form(page(KEYWORD), "http://www.example.gov.cn/col/index.html")
    assert kw.action == "http://www.example.gov.cn/col/search/search.jsp?x=1"
    assert (kw.field, kw.charset) == ("keyword", "gb2312")
    assert kw.fields == (("field", "all"), ("exact", "1"), ("keyword", ""), ("btn", "go"))


def test_the_search_form_is_chosen_among_others():
    form = find_search_form(page(LOGIN + SUBSCRIBE + TRS + MESSAGE), HOME)
    assert form is not None and form.field == "searchword"
    assert find_search_form(page(f'<base href="http://www.example.gov.cn/sub/">{TRS}'),
                            HOME).action == "http://www.example.gov.cn/was5/web/search"


def test_no_search_form():
    assert find_search_form(page(LOGIN + SUBSCRIBE + MESSAGE), HOME) is None
    assert find_search_form(page(SCRIPT_ONLY), HOME) is None  # script-only box: not seen
    assert find_search_form(page(""), HOME) is None
    assert find_search_form("", HOME) is None


def test_the_request_a_browser_sends():
    trs = find_search_form(page(TRS), HOME)
    method, url, body = search_request(trs, TITLE)
    assert (method, body) == ("GET", None)
    parts = urlsplit(url)
    assert parts.path == "/was5/web/search"
    assert parse_qsl(parts.query) == [("channelid", "218463"), ("searchword", TITLE)]
    hanweb = find_search_form(page(HANWEB), HOME)
    method, url, body = search_request(hanweb, "政务公开 指南")
    assert (method, url) == ("POST", "http://www.example.gov.cn/jsearch/search.do")
    assert body == b"webid=12&pg=10&p=1&tpl=&q=%E6%94%BF%E5%8A%A1%E5%85%AC%E5%BC%80+%E6%8C%87%E5%8D%97"
    # GBK: the form's accept-charset, else the page's encoding
    kw = find_search_form(page(KEYWORD), HOME)
    _m, url, _b = search_request(kw, "政务")
    assert "keyword=%D5%FE%CE%F1" in url and "x=1" not in url  # GET replaces the query
    _m, url, _b = search_request(find_search_form(page(TRS), HOME), "政务", "gb18030")
    assert "searchword=%D5%FE%CE%F1" in url
    _m, url, _b = search_request(find_search_form(page(TRS), HOME), "政务", "ascii-bogus")
    assert "searchword=%E6%94%BF%E5%8A%A1" in url  # unknown charset: UTF-8


# ── the sample ────────────────────────────────────────────────────────────────────────────

def _row(url, status=200, ctype="text/html; charset=utf-8", failure=None, final=None):
    return {"url": url, "final_url": final or url, "status": status, "content_type": ctype,
            "failure": failure}


def test_candidates_are_in_site_detail_pages_and_the_draw_is_stable():
    rows = [_row(HOME), _row(HOME + "index.html"), _row(HOME + "zwgk/"),
            _row(PAGE), _row("http://www.example.gov.cn/art/2022/6/1/art_12_345.html"),
            _row("http://www.example.gov.cn/col/content.jsp?id=88"),
            _row("http://www.example.gov.cn/zwgk/t20220101_1.html", status=404),
            _row("http://www.example.gov.cn/zwgk/t20220102_2.html", failure="soft_404"),
            _row("http://www.example.gov.cn/zwgk/P020220101.pdf", ctype="application/pdf"),
            _row("http://other.gov.cn/t20220103_3.html")]
    got = candidate_pages(rows, ("www.example.gov.cn",), HOME)
    assert got == sorted([PAGE, "http://www.example.gov.cn/art/2022/6/1/art_12_345.html",
                          "http://www.example.gov.cn/col/content.jsp?id=88"])
    # no detail URL at all: every other in-site page may be one
    assert candidate_pages(rows[:3], ("www.example.gov.cn",), HOME) == [HOME + "zwgk/"]
    urls = [f"http://h/t2022010{i}_{i}.html" for i in range(9)]
    first = draw_order(urls, "2022Q2:3411000001:W-D25")
    assert first == draw_order(list(reversed(urls)), "2022Q2:3411000001:W-D25")
    assert first != draw_order(urls, "2022Q3:3411000001:W-D25")
    assert sorted(first) == sorted(urls)


def test_usable_titles():
    assert usable_title(f"  {TITLE}\n") == TITLE
    assert usable_title("示例市人民政府", "示例市人民政府") is None  # the site's name
    assert usable_title("通知") is None and usable_title("2022-06-27") is None
    assert usable_title("x" * 200) is None and usable_title(None) is None


# ── results pages ─────────────────────────────────────────────────────────────────────────

NAV = """<div class="nav"><ul><li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li>
<li><a href="/bsfw/">办事服务</a></li><li><a href="/hdjl/">互动交流</a></li></ul></div>"""
SEARCH_URL = "http://www.example.gov.cn/was5/web/search?channelid=1&searchword=x"


def results(items: str, extra: str = "") -> str:
    return page(f"""{NAV}<form action="/was5/web/search"><input name="searchword"
 value="{TITLE}"></form><div class="info">您搜索的“{TITLE}”共找到 3 条结果</div>{extra}
<ul class="list">{items}</ul>""")


def test_a_title_is_found_by_link_or_link_text():
    by_href = results('<li><a href="/zwgk/zcwj/202206/t20220627_1234567.html">查看</a></li>')
    assert read_results(by_href, SEARCH_URL, TITLE, PAGE).found
    highlighted = results('<li><a href="/redirect?id=9"><font color="red">示例市人民政府办公室</font>'
                          '关于印发《示例市优化营商环境三年行动计划（2022—2024年）》的通知</a></li>')
    assert read_results(highlighted, SEARCH_URL, TITLE, PAGE).found
    cut = results('<li><a href="/r?id=9">示例市人民政府办公室关于印发《示例市优化营商环境…</a></li>')
    assert read_results(cut, SEARCH_URL, TITLE, PAGE).found
    titled = results(f'<li><a href="/r?id=9" title="{TITLE}">示例市人民政府办公室…</a></li>')
    assert read_results(titled, SEARCH_URL, TITLE, PAGE).found
    labelled = results(f'<li><a href="/r?id=9">[政策文件] {TITLE}</a></li>')
    assert read_results(labelled, SEARCH_URL, TITLE, PAGE).found


def test_an_echo_of_the_query_is_not_a_result():
    nothing = results("", '<div class="empty">没有找到相关结果</div>')
    got = read_results(nothing, SEARCH_URL, TITLE, PAGE)
    assert not got.found and not got.categorised
    other = results('<li><a href="/zwgk/zcwj/202205/t20220501_1.html">示例市人民政府办公室关于印发'
                    '《示例市营商环境评价实施方案》的通知</a></li>'
                    '<li><a href="/r?id=2">示例市人民政府办公室…</a></li>')  # prefix too short
    assert not read_results(other, SEARCH_URL, TITLE, PAGE).found
    assert read_results(other, SEARCH_URL, TITLE, PAGE).links == 6
    assert not read_results(b"", SEARCH_URL, TITLE, PAGE).found


def test_category_labels():
    item = f'<li><a href="/r?id=9">{TITLE}</a></li>'
    facets = ('<div class="tabs"><a href="?c=0">全部(12)</a> <a href="?c=1">政策文件(3)</a> '
              '<a href="?c=2">新闻动态(9)</a></div>')
    got = read_results(results(item, facets), SEARCH_URL, TITLE, PAGE)
    assert got.categorised and got.categories == ("政策文件", "新闻动态")
    groups = results(item, "<h3>政策文件</h3>")
    assert read_results(groups, SEARCH_URL, TITLE, PAGE).categories == ("政策文件",)
    bracket = results(f'<li><span class="lb">【办事指南】</span><a href="/r">{TITLE}</a></li>')
    assert read_results(bracket, SEARCH_URL, TITLE, PAGE).categories == ("办事指南",)
    field = results(f'<li><a href="/r">{TITLE}</a><p>所属栏目：通知公告　发布时间：2022-06-27</p></li>')
    assert read_results(field, SEARCH_URL, TITLE, PAGE).categories == ("通知公告",)
    tabs = results(item, '<ul class="tab"><li>全部</li><li>政策</li><li>新闻</li><li>服务</li></ul>')
    assert read_results(tabs, SEARCH_URL, TITLE, PAGE).categories == ("政策", "新闻", "服务")


def test_navigation_and_flat_lists_are_not_categories():
    flat = results(f'<li><a href="/r?id=9">{TITLE}</a><span>2022-06-27</span></li>'
                   '<li><a href="/r?id=8">示例市政策文件汇编（2021年）</a></li>')
    got = read_results(flat, SEARCH_URL, TITLE, PAGE)
    assert got.found and not got.categorised
    # a tab bar without 全部, and 文号 brackets, are not labels either
    menu = results(f'<li><a href="/r">{TITLE}</a> 示政办〔2022〕12号</li>',
                   '<ul><li>政策</li><li>新闻</li></ul>')
    assert not read_results(menu, SEARCH_URL, TITLE, PAGE).categorised


# ── the client's policy (no server needed) ────────────────────────────────────────────────

def test_the_client_keeps_to_the_resolve_map_and_the_address_policy():
    closed = Client(CollectOptions(resolve={"www.example.gov.cn": "127.0.0.1"}, retry_times=0))
    assert closed.fetch("GET", "http://search.other.gov.cn/s?q=1", None, HOME).error == "dns"
    assert closed.fetch("GET", "http://www.example.gov.cn/s?q=1", None, HOME).error == \
        "refused by policy"
    assert closed.fetch("GET", "ftp://www.example.gov.cn/", None, HOME).error.startswith(
        "unsupported")
