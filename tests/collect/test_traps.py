"""Page numbers vs document and channel ids (issue 15): the trap guard, pure."""

from __future__ import annotations

from datetime import date

from govinspect.collect.traps import TrapGuard, is_navigation, pagination

TODAY = date(2026, 10, 1)


def test_document_urls_carry_no_page_number():
    for url in ("https://www.pingtan.gov.cn/zwgk/gsgg/202609/t20260910_108853.htm",
                "http://www.a.gov.cn/art/2024/5/1/art_1229_5678901.html",
                "http://www.a.gov.cn/news/content_12345.html",
                "http://www.a.gov.cn/x/detail_7.shtml"):
        assert pagination(url) is None, url
    assert pagination("http://www.a.gov.cn/zwgk/index_3.html") == (
        "www.a.gov.cn/zwgk/index_*.html", 3)
    assert pagination("http://www.a.gov.cn/list.jsp?pageNo=7&cid=3") == (
        "www.a.gov.cn/list.jsp?pageNo=*&cid=3", 7)


def test_navigation_text():
    for text in ("", "2", "[3]", "下一页", "上一页", "尾页", "末页", "首页", "第 4 页", "»",
                 ">>", "Next", "..."):
        assert is_navigation(text), text
    for text in ("政策文件", "关于做好2026年政务公开工作的通知", "更多", "2024年第一季度"):
        assert not is_navigation(text), text


def test_a_lone_channel_id_is_not_a_page_number():
    g = TrapGuard(TODAY, max_pagination=1000)
    assert g.allow("http://h/zfxxgk/index_1937.html", text="")  # no predecessor: an id
    assert g.allow("http://h/zfxxgk/index_1938.html", text="政策文件")  # content
    assert g.report() == []


def test_endless_numbers_step_by_step_are_cut_past_the_bound():
    g = TrapGuard(TODAY, max_pagination=20)
    for n in range(1, 21):
        assert g.allow(f"http://h/list/index_{n}.html", text="下一页"), n
    assert not g.allow("http://h/list/index_21.html", text="下一页")
    assert g.report() == [{"kind": "pagination", "pattern": "h/list/index_*.html", "cut": 1}]
    # …but a page the site links as content is never cut, whatever its URL
    assert g.allow("http://h/list/index_22.html", text="关于印发《政务公开工作要点》的通知")


def test_the_last_page_a_tail_link_jumps_to_is_a_page():
    g = TrapGuard(TODAY, max_pagination=1000)
    for n in (1, 2, 3):
        assert g.allow(f"http://h/l/index_{n}.html", text=str(n))
    assert g.allow("http://h/l/index_5873.html", text="尾页")


def test_repeated_content_only_among_pagination_pages():
    g = TrapGuard(TODAY)
    # Articles of one day share a template and links: never compared
    for k in range(5):
        g.observe(f"http://h/a/2026/t20261001_{k}.htm", "same-template")
    assert g.report() == [] and not g._trapped
    for n in (1, 2, 3):
        assert g.allow(f"http://h/l/?page={n}", text=str(n))
    assert not g.observe("http://h/l/?page=2", "empty") and g.observe("http://h/l/?page=3",
                                                                        "empty")
    assert not g.allow("http://h/l/?page=4", text="下一页")


def test_the_guard_rebuilt_from_a_journal_decides_alike():
    """Resume: pages admitted as pagination and patterns found to be traps come back from
    the journal (Ledger.restore) and the guard decides as before."""
    live = TrapGuard(TODAY, max_pagination=3)
    for n in (1, 2, 3):
        assert live.allow(f"http://h/l/index_{n}.html", text="下一页")
    again = TrapGuard(TODAY, max_pagination=3)
    for n in (1, 2, 3):
        again.admit(f"http://h/l/index_{n}.html")
    assert live.allow("http://h/l/index_4.html", text="下一页") is False
    assert again.allow("http://h/l/index_4.html", text="下一页") is False
