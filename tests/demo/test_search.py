"""The demo network's site search (W-D25): forms in the header, results pages answered on
request, and the planted search problems (demo/search.py)."""

from __future__ import annotations

import html
import re
from urllib.parse import quote, urlsplit

import pytest

from govinspect.collect.search import find_search_form, read_results, search_request
from govinspect.demo import search as srch
from govinspect.demo.network import build_network

KINDS = ("search_missing", "search_broken", "search_misses_titles", "search_uncategorised")


def _ask(net, site, query: str, form=None):
    """The results page the site answers for ``query`` (as a browser sends it)."""
    form = form or find_search_form(net.lookup(site.host, "/").text(), site.homepage)
    _method, url, body = search_request(form, query, "gb18030" if site.encoding == "gbk" else "utf-8")
    parts = urlsplit(url)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    if body is not None:  # the server answers a POSTed form like the same GET
        target += ("&" if "?" in target else "?") + body.decode("ascii")
    return net.lookup(site.host, target), url


def _items(net, site) -> list[tuple[str, str]]:
    """(title, path) of the site's published items, newest URL date first."""
    out = []
    for (host, path), page in net.pages.items():
        if host == site.host and re.search(r"/t\d{8}_\d+\.html$", path):
            title = re.search(r'<h1 class="title">([^<]*)</h1>', page.text())
            if title:  # not the planted soft-404 pages
                out.append((html.unescape(title.group(1)), path))
    return sorted(out, key=lambda t: t[1].rsplit("/t", 1)[1], reverse=True)


def _planted(net) -> dict[str, dict]:
    return {e["site"]: e for e in net.manifest.select(indicator="W-D25", negative=None)}


def test_kinds_and_counts(full_net, small_net):
    entries = full_net.manifest.select(indicator="W-D25", negative=None)
    counts = {k: sum(1 for e in entries if e["kind"] == k) for k in (*KINDS, "search_lookalike")}
    assert counts == {**dict.fromkeys(KINDS, 2), "search_lookalike": 1}
    assert len({e["site"] for e in entries}) == 9  # one kind per site
    assert full_net.sites[0].code not in {e["site"] for e in entries}  # the portal works
    assert all(e["url"] == full_net.site_by_code(e["site"]).homepage for e in entries)
    assert full_net.manifest.select(kind="search_lookalike", negative=True)
    assert sorted(e["kind"] for e in small_net.manifest.select(indicator="W-D25")) == sorted(KINDS)
    # deterministic, and the other plants do not move
    again = build_network(seed=20220630, sites=5, scale=0.2, port=80, faults=False)
    assert again.manifest.select(indicator="W-D25") == small_net.manifest.select(indicator="W-D25")


def test_every_site_but_the_missing_ones_has_a_search_form(full_net):
    planted = _planted(full_net)
    actions = set()
    for site in full_net.sites:
        form = find_search_form(full_net.lookup(site.host, "/").text(), site.homepage)
        inner = full_net.lookup(site.host, "/zwgk/")
        if planted.get(site.code, {}).get("kind") == "search_missing":
            assert form is None and 'class="search"' not in inner.text()
            continue
        assert form is not None, site.host
        assert form == find_search_form(inner.text(), site.homepage)  # the header's form
        actions.add((urlsplit(form.action).path, form.method, form.field))
    assert len(actions) == len(srch.SEARCH_FORMS)  # GET and POST, searchword / q / keyword


def test_a_healthy_site_finds_its_titles_by_category(full_net):
    planted = _planted(full_net)
    checked = 0
    for site in full_net.sites:
        if site.code in planted and planted[site.code]["kind"] != "search_lookalike":
            continue
        items = _items(full_net, site)
        for title, path in items[:: max(1, len(items) // 5)]:
            page, url = _ask(full_net, site, title)
            assert page is not None and page.status == 200
            got = read_results(page.text(), url, title, full_net.url(site.host, path))
            assert got.found and got.categorised, (site.host, title)
            checked += 1
        if site.encoding == "gbk" and checked > 40:
            break
    assert checked > 40


def test_planted_search_problems(full_net):
    for code, e in _planted(full_net).items():
        site = full_net.site_by_code(code)
        items = _items(full_net, site)
        newest = items[0]
        if e["kind"] == "search_missing":
            page, _url = _ask(full_net, site, newest[0], find_search_form(
                '<form action="/search/"><input name="q"></form>', site.homepage))
            assert page is None  # 404
        elif e["kind"] == "search_broken":
            page, url = _ask(full_net, site, newest[0])
            if e["failure"] == "http_500":
                assert page.status == 500
            else:
                assert page.status == 200 and "共找到 <span class=\"num\">0</span> 条" in page.text()
        elif e["kind"] == "search_misses_titles":
            assert e["indexed"] < e["items"] * 0.35
            old_title, old_path = items[-1]
            page, url = _ask(full_net, site, old_title)
            assert read_results(page.text(), url, old_title, full_net.url(site.host, old_path)).found
            new_title, new_path = newest
            page, url = _ask(full_net, site, new_title)
            assert not read_results(page.text(), url, new_title,
                                    full_net.url(site.host, new_path)).found
        elif e["kind"] == "search_uncategorised":
            page, url = _ask(full_net, site, newest[0])
            got = read_results(page.text(), url, newest[0], full_net.url(site.host, newest[1]))
            assert got.found and not got.categorised
        else:  # the look-alike: other forms on the homepage, titles cut in results
            home = full_net.lookup(site.host, "/").text()
            assert 'type="password"' in home and 'name="email"' in home
            long_title = next(t for t, _p in items if len(t) > srch.TRUNCATE + 2)
            page, _url = _ask(full_net, site, long_title)
            listed = page.text().split("相关的结果", 1)[1]  # after the echo of the query
            assert "…</a>" in listed and long_title not in listed


def test_keywords_paging_and_a_gbk_query(full_net):
    planted = _planted(full_net)
    site = next(s for s in full_net.sites if s.encoding == "gbk" and s.code not in planted
                and find_search_form(full_net.lookup(s.host, "/").text(), s.homepage).method
                == "GET")
    items = _items(full_net, site)
    page, _url = _ask(full_net, site, "")
    assert page.status == 200 and "没有找到相关结果" in page.text()
    word = "工作"
    page, url = _ask(full_net, site, word)
    hits = sum(1 for t, _p in items if word in t)
    assert hits > srch.PAGE_SIZE and page.encoding == "gbk"
    # the keyword was read as GBK (the site's encoding), not as UTF-8 mojibake
    assert f'<span class="num">{hits}</span> 条与“{word}”相关' in page.text()
    assert page.text().count('<font color="red">工作</font>') >= srch.PAGE_SIZE
    parts = urlsplit(url)
    second = full_net.lookup(site.host, f"{parts.path}?{parts.query}&page=2")
    assert second.status == 200 and second.text() != page.text()
    # two terms: both must be in the title
    page, _url = _ask(full_net, site, "工作 计划")
    both = sum(1 for t, _p in items if "工作" in t and "计划" in t)
    assert f'<span class="num">{both}</span>' in page.text()


@pytest.mark.parametrize("query", ["%FF%FE", "q=%E6%94", "searchword=" + quote("<script>")])
def test_odd_queries_never_break_the_endpoint(small_net, query):
    for site in small_net.sites:
        form = find_search_form(small_net.lookup(site.host, "/").text(), site.homepage)
        if form is None:
            continue
        page = small_net.lookup(site.host, urlsplit(form.action).path + "?" + query)
        assert page is not None and page.status in (200, 500)
        assert "<script>" not in page.text()
