"""Site search (W-D25), the pure half: find the search form of a homepage, draw the published
titles to search for, build the request a browser would send, and read a results page (is the
title among the results? are the results labelled by category?). No I/O: ``search_probe``
fetches, this decides.

What counts:
- a *search form* is a ``<form>`` with a text input that is not a login or message form and
  that says it searches (a keyword field name such as ``searchword``, ``q``, ``keyword``; the
  words 搜索/检索/search in the form; or a search-like action). Search boxes written only by
  script (no ``<form>``) are not seen: the rule reports them as suspected.
- a title is *found* when a link of the results page points at the page it was read from, or
  its text (or ``title`` attribute) is the title — possibly cut short with an ellipsis, or
  with a label around it ("[政策文件] …"). An echo of the query ("您搜索的“…”共找到0条") is not a
  link, so it does not count.
- results are *categorised* when the page labels them with category names: a facet with a
  count ("政策文件(3)"), a bracketed label ("【办事指南】"), a labelled field ("栏目：通知公告"),
  a group heading (``<h3>政策文件</h3>``), or a tab bar that has 全部 and two categories.
  The site's navigation (政务公开 / 办事服务 / 互动交流 as plain links) is none of these.
"""

from __future__ import annotations

import codecs
import random
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import urlencode, urljoin, urlsplit, urlunsplit

import lxml.etree
import lxml.html

from govinspect.extract.core import HOME_PATHS

# Names of the keyword field in common gov CMS search forms (TRS WAS/海云 ``searchword``,
# 大汉 jsearch ``q``, 博达/拓尔思/开普云 ``keyword``/``keywords``, Baidu-style ``wd`` …).
KEYWORD_NAMES = re.compile(
    r"^(?:q|qt|query|keys?|keywords?|key_?words?|searchword|search_?words?|sword|s_?word|kw|"
    r"wd|word|searchkey|search_?key|searchtext|search_?text|search_?value|searchvalue|"
    r"search|s|text|title|content|sou|ss|k|queryword|query_?string)$", re.I)
_SEARCH_WORDS = re.compile(r"搜\s*索|检\s*索|站内搜|全文搜|search|sousuo|jsearch|was5|\bsou\b", re.I)
_PLACEHOLDER = re.compile(r"关键[字词]|搜索|检索|请输入")
_TEXT_TYPES = frozenset({"", "text", "search"})
_ELLIPSIS = re.compile(r"(?:\.{2,}|…+|⋯+)$")
_WS = re.compile(r"\s+")

# Category names of results pages (the indicator's examples 政策文件, 办事指南 and their kin).
CATEGORY_NAMES = (
    "政策文件", "政策解读", "政策", "解读", "文件", "办事指南", "办事服务", "政务服务", "服务",
    "新闻动态", "新闻资讯", "新闻", "要闻", "政务要闻", "工作动态", "动态", "通知公告", "公告",
    "信息公开", "政府信息公开", "政务公开", "公开", "互动交流", "互动", "留言", "咨询投诉",
    "数据发布", "数据", "规划计划", "人事信息", "机构职能", "领导信息", "图片", "视频", "专题",
    "网页", "其他",
)
_CAT = "|".join(sorted(CATEGORY_NAMES, key=len, reverse=True))
_FACET = re.compile(rf"^({_CAT})\s*[(（]\s*\d+\s*[)）]$")
_BRACKET = re.compile(rf"[\[【〔]\s*({_CAT})\s*[\]】〕]")
_LABELLED = re.compile(rf"(?:所属栏目|来源栏目|栏目|分类|类别|类型|信息类别)\s*[:：]\s*({_CAT})(?![\u4e00-\u9fff])")
_HEADINGS = ("h2", "h3", "h4", "h5", "dt", "legend", "caption")

# Detail pages of common CMSs (TRS t20220627_123.html, 大汉 art_1_2.html, 苏迪 c1a2/page.htm,
# 博达 info/1/2.htm, content/post_1.html, date folders, …?id= detail scripts).
DETAIL_URL = re.compile(
    r"/t\d{8}_\d+\.s?html?$"
    r"|/art_\d+_\d+\.s?html?$"
    r"|/(?:post|content|art|article|detail|news|info|doc)[_-]?\d+\.s?html?$"
    r"|/c\d+a\d+/page\.s?html?$"
    r"|/info/\d+/\d+\.s?html?$"
    r"|/(?:19|20)\d{2}[-/]?\d{2}[-/]?\d{2}/[\w-]+\.s?html?$"
    r"|(?:detail|content|article|view|show|info)\w*\.(?:jsp|php|aspx?|do|s?html?)\?"
    r"(?:[^#]*&)?(?:id|infoid|articleid|docid|newsid|contentid)=\w+",
    re.I)
# page types of extraction that are published items (extract/core.py)
DETAIL_TYPES = frozenset({"article", "policy", "guide", "message_detail"})
MIN_TITLE, MAX_TITLE = 4, 120


@dataclass(frozen=True)
class SearchForm:
    action: str  # absolute URL
    method: str  # GET | POST
    field: str  # name of the keyword input
    fields: tuple[tuple[str, str], ...] = ()  # the other pairs a browser submits, in order
    charset: str | None = None  # the first usable accept-charset; None: the page's encoding


@dataclass(frozen=True)
class ResultsPage:
    found: bool
    categorised: bool
    categories: tuple[str, ...] = ()
    links: int = 0  # links on the page outside forms (0: nothing to show, e.g. an error page)


# ── the form ──────────────────────────────────────────────────────────────────────────────

def _doc(html: str | bytes) -> lxml.html.HtmlElement | None:
    if isinstance(html, str):
        html = html.encode("utf-8", "surrogatepass")
    try:
        return lxml.html.document_fromstring(
            html, parser=lxml.html.HTMLParser(encoding="utf-8", remove_comments=True))
    except (lxml.etree.ParserError, ValueError):
        return None


def _norm_charset(value: str | None) -> str | None:
    for name in re.split(r"[\s,;]+", value or ""):
        if not name:
            continue
        try:
            return codecs.lookup(name).name
        except LookupError:
            continue
    return None


def _text_inputs(form) -> list:
    return [el for el in form.iter("input")
            if (el.get("type") or "").strip().lower() in _TEXT_TYPES and el.get("name")]


def _form_score(form, inputs: list) -> int:
    if not inputs or len(inputs) > 3:
        return 0  # nothing to type into, or an application/advanced form
    if any((el.get("type") or "").lower() == "password" for el in form.iter("input")) \
            or next(form.iter("textarea"), None) is not None:
        return 0  # login or message form
    score = 0
    if any(KEYWORD_NAMES.match(el.get("name") or "") or KEYWORD_NAMES.match(el.get("id") or "")
           for el in inputs):
        score += 3
    words = " ".join([form.get("action") or "", form.get("name") or "", form.get("id") or "",
                      form.get("class") or "", form.text_content()]
                     + [v for el in form.iter("input", "button")
                        for v in (el.get("value") or "", el.get("title") or "",
                                  el.get("class") or "", el.get("id") or "")])
    if _SEARCH_WORDS.search(words):
        score += 2
    if any(_PLACEHOLDER.search(el.get("placeholder") or el.get("value") or "") for el in inputs):
        score += 1
    return score


def find_search_form(html: str | bytes, base_url: str) -> SearchForm | None:
    """The site search form of a page (the best-scoring one), or None."""
    root = _doc(html)
    if root is None:
        return None
    base = base_url
    for b in root.iter("base"):
        if b.get("href"):
            try:
                base = urljoin(base_url, b.get("href").strip())
                urlsplit(base).hostname  # noqa: B018 - raises on a malformed host
            except ValueError:
                base = base_url  # a malformed <base> is ignored, as browsers do
        break
    best, best_score = None, 1  # a single weak cue (a placeholder) is not enough
    for form in root.iter("form"):
        inputs = _text_inputs(form)
        score = _form_score(form, inputs)
        if score > best_score:
            best, best_score = (form, inputs), score
    if best is None:
        return None
    form, inputs = best
    keyword = next((el for el in inputs if KEYWORD_NAMES.match(el.get("name") or "")),
                   next((el for el in inputs if KEYWORD_NAMES.match(el.get("id") or "")),
                        inputs[0]))
    action = urljoin(base, (form.get("action") or "").strip()).split("#", 1)[0]
    method = "POST" if (form.get("method") or "").strip().lower() == "post" else "GET"
    return SearchForm(action=action, method=method, field=keyword.get("name"),
                      fields=tuple(_other_fields(form, keyword)),
                      charset=_norm_charset(form.get("accept-charset")))


def _other_fields(form, keyword) -> Iterable[tuple[str, str]]:
    """What a browser submits besides the keyword (HTML form submission, Enter key)."""
    submitter_done = False
    for el in form.iter("input", "select", "button"):
        if el is keyword:
            yield keyword.get("name"), ""  # its place in the order; the query goes here
            continue
        name = el.get("name")
        if el.get("disabled") is not None:
            continue
        if el.tag == "select":
            if not name:
                continue
            options = list(el.iter("option"))
            chosen = next((o for o in options if o.get("selected") is not None),
                          options[0] if options else None)
            if chosen is not None:
                yield name, chosen.get("value") if chosen.get("value") is not None \
                    else _WS.sub(" ", chosen.text_content()).strip()
            continue
        kind = (el.get("type") or ("submit" if el.tag == "button" else "text")).strip().lower()
        if kind in ("submit", "image"):
            # Enter submits with the form's first submit button as the submitter
            if not submitter_done and name:
                yield name, el.get("value") or ""
            submitter_done = True
            continue
        if not name or kind in ("button", "reset", "file", "password"):
            continue
        if kind in ("checkbox", "radio"):
            if el.get("checked") is not None:
                yield name, el.get("value") if el.get("value") is not None else "on"
            continue
        yield name, el.get("value") or ""


def search_request(form: SearchForm, query: str, page_charset: str | None = None
                   ) -> tuple[str, str, bytes | None]:
    """(method, URL, body) a browser sends for ``query``: the form's pairs in document order,
    encoded in the form's accept-charset or else the page's encoding (what GBK sites expect);
    a GET replaces the action's query string, a POST keeps it and sends the pairs as the body."""
    encoding = form.charset or _norm_charset(page_charset) or "utf-8"
    pairs = list(form.fields)
    at = next((i for i, (name, _) in enumerate(pairs) if name == form.field), None)
    if at is None:
        pairs.insert(0, (form.field, query))
    else:
        pairs[at] = (form.field, query)
    data = urlencode(pairs, encoding=encoding, errors="xmlcharrefreplace")
    if form.method == "POST":
        return "POST", form.action, data.encode("ascii")
    parts = urlsplit(form.action)
    return "GET", urlunsplit((parts.scheme, parts.netloc, parts.path or "/", data, "")), None


# ── the sample ────────────────────────────────────────────────────────────────────────────

def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def _is_home(url: str, homepage: str) -> bool:
    parts = urlsplit(url)
    return _same_page(url, homepage) or (
        (parts.hostname or "").lower() == _host(homepage) and not parts.query
        and parts.path.lower() in HOME_PATHS)


def _same_page(a: str, b: str) -> bool:
    pa, pb = urlsplit(a), urlsplit(b)
    return ((pa.hostname or "").lower(), pa.path or "/", pa.query) == \
        ((pb.hostname or "").lower(), pb.path or "/", pb.query)


def candidate_pages(rows: Iterable[Mapping], hosts: Iterable[str], homepage: str) -> list[str]:
    """URLs of the site's captured pages that may be published items (detail pages by URL;
    every other in-site HTML page when the site has none of those), sorted."""
    own = {h.lower() for h in hosts} or {_host(homepage)}
    pages, details = set(), set()
    for row in rows:
        if row.get("status") != 200 or row.get("failure") \
                or "html" not in (row.get("content_type") or "").lower():
            continue
        url = row.get("final_url") or row["url"]
        if _host(url) not in own or _is_home(url, homepage) or _is_home(row["url"], homepage):
            continue
        pages.add(row["url"])
        parts = urlsplit(url)
        if DETAIL_URL.search(parts.path + ("?" + parts.query if parts.query else "")):
            details.add(row["url"])
    return sorted(details or pages)


def draw_order(candidates: Iterable[str], seed: str) -> list[str]:
    """The candidates in the order to try them: a shuffle seeded by round and site, so a
    re-run of the same round draws the same titles."""
    order = sorted(set(candidates))
    random.Random(seed).shuffle(order)
    return order


def usable_title(title: str | None, site_name: str = "") -> str | None:
    """The headline to search for, or None when it cannot identify a published item."""
    text = _WS.sub(" ", title or "").strip()
    if not (MIN_TITLE <= len(text) <= MAX_TITLE) or text == site_name.strip():
        return None
    if not re.search(r"[\u4e00-\u9fffA-Za-z]", text):
        return None
    return text


# ── the results page ──────────────────────────────────────────────────────────────────────

def _squash(text: str) -> str:
    return _WS.sub("", unicodedata.normalize("NFKC", text or "")).lower()


def _text_is_title(text: str, title: str) -> bool:
    t, s = _squash(title), _squash(text)
    if not t or not s:
        return False
    if s == t or (t in s and len(s) <= len(t) + 16):  # "[政策文件] title", "title 2022-06-27"
        return True
    # "关于印发《示例市优化营商…": long enough to tell it from the site's other titles
    cut = _ELLIPSIS.sub("", s)
    return cut != s and len(cut) >= max(8, min(len(t) // 2, 16)) and t.startswith(cut)


def _in_form(el) -> bool:
    return any(a.tag == "form" for a in el.iterancestors())


def _categories(root) -> list[str]:
    found: list[str] = []

    def add(name: str) -> None:
        if name not in found:
            found.append(name)

    body = root.find("body")
    body = root if body is None else body
    for el in body.iter():
        if not isinstance(el.tag, str) or el.tag in ("script", "style", "form", "option"):
            continue
        own = _WS.sub(" ", "".join([el.text or ""] + [c.tail or "" for c in el])).strip()
        if own:
            for rx in (_BRACKET, _LABELLED):
                for m in rx.finditer(own):
                    add(m.group(1))
        text = _WS.sub("", el.text_content()) if len(el) <= 3 else ""
        if text and len(text) <= 16:
            m = _FACET.match(text)
            if m:
                add(m.group(1))
            elif el.tag in _HEADINGS and re.fullmatch(_CAT, text):
                add(text)
    # a tab bar: one container whose short children read 全部 + at least two categories
    for el in body.iter("ul", "div", "p", "span", "nav", "ol"):
        labels = [_WS.sub("", c.text_content()) for c in el if isinstance(c.tag, str)]
        labels = [re.sub(r"[(（]\d+[)）]$", "", x) for x in labels if x and len(x) <= 10]
        if "全部" in labels:
            cats = [x for x in labels if re.fullmatch(_CAT, x)]
            if len(set(cats)) >= 2:
                for x in cats:
                    add(x)
    return found


def read_results(html: str | bytes, url: str, title: str, page_url: str) -> ResultsPage:
    """Is ``title`` (read from ``page_url``) on this results page, and are results labelled
    by category?"""
    root = _doc(html)
    if root is None:
        return ResultsPage(False, False)
    found = False
    links = 0
    for a in root.iter("a"):
        if _in_form(a):
            continue
        links += 1
        if found:
            continue
        href = (a.get("href") or "").strip()
        if href and not href.lower().startswith(("javascript:", "#", "mailto:")):
            try:
                if _same_page(urljoin(url, href), page_url):
                    found = True
                    continue
            except ValueError:
                pass
        if _text_is_title(a.text_content(), title) or _text_is_title(a.get("title") or "", title):
            found = True
    cats = _categories(root)
    return ResultsPage(found=found, categorised=bool(cats), categories=tuple(cats), links=links)
