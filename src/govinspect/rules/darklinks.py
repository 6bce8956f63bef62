"""Dark links (暗链) and injected content: hidden blocks that carry outbound links or
gambling / porn / private-server words, and scripts that write such links into the page.

Also holds the small HTML → text step that ``check-text`` uses (to be replaced by
``govinspect.extract`` when that lands): it keeps, for every element, the span of its text in
the extracted string, so findings on elements get offsets into the extracted text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import unquote, urljoin, urlsplit

import lxml.html
from lxml import etree

from govinspect.core.types import Confidence, Evidence, Finding, Span
from govinspect.lexicons.engine import Lexicon, default_lexicon
from govinspect.rules.base import RecheckMode, Rule, Scope, register

_XML_DECL = re.compile(r"^\s*<\?xml[^>]*>")
_SPACES = re.compile(r"\s+")
_SCRIPT_HREF = re.compile(r"""href\s*=\s*\\?["']?([^"'\\\s>]+)""", re.I)
_SCRIPT_LOCATION = re.compile(r"""location(?:\.href)?\s*=\s*["']([^"']+)""", re.I)
_SCRIPT_WRITES = re.compile(r"document\.write|innerhtml|location", re.I)
_SCRIPT_HIDES = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden|referrer|-\d{3,}px", re.I)

BLOCK = {"p", "div", "br", "li", "ul", "ol", "tr", "table", "h1", "h2", "h3", "h4", "h5", "h6",
         "section", "article", "header", "footer", "nav", "aside", "dd", "dt", "dl", "form",
         "blockquote", "pre", "hr", "title", "option", "marquee"}
SKIP = {"script", "style", "noscript", "template", "head"}


@dataclass
class PageText:
    text: str
    root: etree._Element
    spans: dict = field(default_factory=dict)  # element → (start, end) in text


def parse_html(html: str | bytes) -> etree._Element:
    if isinstance(html, bytes):
        html = html.decode("utf-8", "replace")
    html = _XML_DECL.sub("", html, count=1)  # lxml refuses an encoding declaration in str
    try:
        return lxml.html.document_fromstring(html if html.strip() else "<html></html>")
    except etree.ParserError:  # "Document is empty" (whitespace, a lone comment …): no page
        return lxml.html.document_fromstring("<html></html>")


def html_to_text(html: str | bytes) -> PageText:
    return _page_text(parse_html(html))


def _page_text(root) -> PageText:
    """The text of a parsed page, with every element's span in it."""
    parts: list[str] = []
    length = 0
    spans: dict = {}

    def add(s: str) -> None:
        nonlocal length
        if s:
            parts.append(s)
            length += len(s)

    def walk(el) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag in SKIP or not tag:
            if tag == "head":  # keep the title, it is page text too
                for t in el.iter("title"):
                    add(_text_content(t).strip() + "\n")
            return
        start = length
        if tag in BLOCK and parts and not parts[-1].endswith("\n"):
            add("\n")
            start = length
        add(_squash(el.text))
        for child in el:
            walk(child)
            add(_squash(child.tail))
        if tag in ("td", "th"):
            add("\t")
        elif tag in BLOCK:
            add("\n")
        spans[el] = (start, length)

    walk(root)
    return PageText("".join(parts), root, spans)


def _text_content(el) -> str:
    """All text inside an element, comments and processing instructions left out: lxml.html's
    ``text_content()`` for plain lxml elements too (the dom parser's tree)."""
    return "".join(el.itertext())


def _squash(s: str | None) -> str:
    return _SPACES.sub(" ", s) if s else ""


# --- what makes an element hidden ---------------------------------------------------------

def _decls(style: str) -> dict[str, str]:
    """CSS declarations of a style attribute or rule body (linear: split, no backtracking)."""
    out: dict[str, str] = {}
    for part in (style or "").split(";"):
        name, colon, value = part.partition(":")
        name = name.strip().lower()
        if not colon or not name or not _PROP.fullmatch(name):
            continue
        value = value.strip().lower().replace("!important", "").strip()
        if value:
            out[name] = value
    return out


_PROP = re.compile(r"[a-z-]{1,40}")
_PX = re.compile(r"(-?\d{1,12}(?:\.\d{1,12})?)\s{0,8}(px|pt|em|rem)?")


def _px(value: str) -> float | None:
    """The length in px (em and rem at the browser's default 16 px), or None."""
    m = _PX.fullmatch(value.strip()[:64])
    if not m:
        return None
    return float(m.group(1)) * (16.0 if m.group(2) in ("em", "rem") else 1.0)


def hidden_reason(decls: dict[str, str]) -> str | None:
    """Why a block with these CSS declarations is invisible to a reader, or None."""
    if decls.get("display") == "none":
        return "display:none"
    if decls.get("visibility") == "hidden":
        return "visibility:hidden"
    if decls.get("opacity") in ("0", "0.0"):
        return "opacity:0"
    # (a property that is absent is not measured: _px of nothing is None)
    for prop in ("top", "left", "margin-left", "margin-top", "text-indent", "right"):
        v = _px(decls[prop]) if decls.get(prop) else None
        if v is not None and v <= -500:
            return f"移出屏幕（{prop}:{decls[prop]}）"
    fs = _px(decls["font-size"]) if decls.get("font-size") else None
    if fs is not None and fs <= 1:
        return f"字号为{decls['font-size']}"
    if decls.get("overflow") == "hidden":
        for prop in ("height", "width"):
            v = _px(decls[prop]) if decls.get(prop) else None
            if v is not None and v <= 2:
                return f"{prop}:{decls[prop]} 且 overflow:hidden"
    color, bg = decls.get("color"), decls.get("background-color") or decls.get("background")
    if color and bg and color.replace(" ", "") == bg.replace(" ", ""):
        return "文字颜色与背景色相同"
    return None


@lru_cache(maxsize=8192)
def _style_reason(style: str) -> str | None:
    """``hidden_reason`` of a style attribute or rule body: pages repeat the same few
    styles on many elements (and a site's pages repeat them), so each string is judged once."""
    return hidden_reason(_decls(style))


def _strip_comments(css: str) -> str:
    """Drop /* … */ comments in one left-to-right pass (an unclosed one runs to the end)."""
    out, i = [], 0
    while True:
        j = css.find("/*", i)
        if j < 0:
            out.append(css[i:])
            return "".join(out)
        out.append(css[i:j])
        k = css.find("*/", j + 2)
        if k < 0:
            return "".join(out)
        i = k + 2


def css_rules(css: str) -> list[tuple[str, str]]:
    """(selectors, body) of the top-level rules of a stylesheet, in one pass over the text:
    comments dropped, at-rule blocks (@media: hidden on some screens only) skipped whole,
    unbalanced braces tolerated. Linear in the length of the stylesheet."""
    css = _strip_comments(css)
    rules: list[tuple[str, str]] = []
    depth, start, prelude, body_start = 0, 0, "", 0
    for m in _BRACE.finditer(css):  # only the braces matter: jump from one to the next
        i = m.start()
        if m.group() == "{":
            if depth == 0:
                prelude, body_start = css[start:i], i + 1
            depth += 1
        else:
            if depth == 0:
                start = i + 1
                continue
            depth -= 1
            if depth == 0:
                if not prelude.lstrip().startswith("@") and "{" not in css[body_start:i]:
                    rules.append((prelude, css[body_start:i]))
                start = i + 1
    return rules


_BRACE = re.compile(r"[{}]")
_SIMPLE_SELECTOR = re.compile(r"[a-z0-9]{0,20}([.#][\w-]{1,200})", re.I)


def _media_shown(css: str) -> set[str]:
    """``.class`` / ``#id`` selectors that an @media block shows (display other than none): a
    block hidden on wide screens and shown on phones is responsive layout, which readers of
    the mobile page see, not a hidden block."""
    shown: set[str] = set()
    if "@media" not in css:
        return shown
    css = _strip_comments(css)
    pos = 0
    while True:
        at = css.find("@media", pos)
        if at < 0:
            return shown
        open_ = css.find("{", at)
        if open_ < 0:
            return shown
        depth, i = 1, open_ + 1
        while depth and i < len(css):
            m = _BRACE.search(css, i)
            if m is None:
                i = len(css)
                break
            depth += 1 if m.group() == "{" else -1
            i = m.end()
        for selectors, body in css_rules(css[open_ + 1:i - 1]):
            display = _decls(body).get("display")
            if display and display != "none":
                for sel in selectors.split(","):
                    m = _SIMPLE_SELECTOR.fullmatch(sel.strip())
                    if m:
                        shown.add(m.group(1))
        pos = i


@lru_cache(maxsize=256)
def _style_block(css: str) -> tuple[tuple[tuple[str, str], ...], frozenset[str]]:
    """((selector, reason) of the rules of one <style> block that hide their element, in
    order; the selectors its @media blocks show). Cached: a site's pages repeat the same
    <style> blocks (parsing them took a third of GI-S001's time)."""
    hidden: list[tuple[str, str]] = []
    for selectors, body in css_rules(css):
        # only .class / #id selectors are looked up: a rule without one is not judged (4 in 5
        # rules of the real pages' stylesheets; judging bodies was most of a cold page's cost)
        simple = [m.group(1) for sel in selectors.split(",")
                  if (m := _SIMPLE_SELECTOR.fullmatch(sel.strip()))]
        if not simple:
            continue
        reason = _style_reason(body)
        if reason:
            hidden.extend((sel, reason) for sel in simple)
    return tuple(hidden), frozenset(_media_shown(css))


def _stylesheet_hidden(root) -> dict[str, str]:
    """``.class`` / ``#id`` selectors of <style> blocks that hide their element (not those an
    @media block shows again: responsive layout)."""
    hidden: dict[str, str] = {}
    shown: set[str] = set()
    for style in root.iter("style"):
        css = style.text or ""
        rules, media_shown = _style_block(css)
        hidden.update(rules)
        if hidden:
            shown |= media_shown
    for sel in shown:
        hidden.pop(sel, None)
    return hidden


def _element_hidden(el, sheet: dict[str, str]) -> str | None:
    if el.get("hidden") is not None:
        return "hidden 属性"
    style = el.get("style")
    if style:  # no style: no declarations, nothing hidden by them
        reason = _style_reason(style)
        if reason:
            return reason
    if el.tag == "marquee":
        for prop in ("height", "width"):
            v = _px(el.get(prop, "") or "x")
            if v is not None and v <= 5:
                return f"极小滚动框（marquee {prop}={el.get(prop)}）"
        if (_px(el.get("scrollamount", "") or "x") or 0) >= 1000:
            return "滚动速度极快的 marquee"
    font = el.get("color")
    if el.tag == "font" and font:
        parent = el.getparent()
        bg = parent.get("bgcolor") if parent is not None else None
        if bg and bg.lower() == font.lower():
            return "文字颜色与背景色相同"
    if el.get("id") and f"#{el.get('id')}" in sheet:
        return sheet[f"#{el.get('id')}"]
    for cls in (el.get("class") or "").split():
        if f".{cls}" in sheet:
            return sheet[f".{cls}"]
    return None


# Share buttons, analytics and CMS vendors: hidden links to them are page furniture.
FURNITURE_HOSTS = ("weibo.com", "qq.com", "baidu.com", "bshare.cn", "jiathis.com", "renren.com",
                   "douban.com", "kaixin001.com", "sohu.com", "163.com", "hanweb.com",
                   "trs.com.cn", "cnzz.com", "51.la", "people.com.cn", "xinhuanet.com",
                   "news.cn", "cctv.com", "weixin.qq.com", "tianya.cn", "ifeng.com",
                   "pengyou.com")
# Official furniture every government page may carry, often in blocks a script shows or
# hides: the 党政机关网站标识 (conac), the 我为政府网站找错 entry (jiucuo, also served from
# bare IP addresses), filing and reporting badges (ICP, 公安备案, 12377 and the provinces'
# 网络举报), accessibility services (适老化/无障碍). Hidden links to them are not dark links.
OFFICIAL_HOSTS = ("conac.cn", "beian.gov.cn", "beian.miit.gov.cn", "12377.cn", "isc.org.cn",
                  "cyberpolice.cn", "xjwljb.com", "jubao.gov.cn", "cac.gov.cn")
OFFICIAL_SUFFIXES = (".gov.cn", ".gov", ".gov.mo", ".gov.hk", ".edu.cn", ".ac.cn", ".mil.cn",
                     ".org.cn")
OFFICIAL_PATH = re.compile(r"jiucuo|zfwzgl|conac|wza|wzaweb|ipv6best|govjiucuo", re.I)
# A link whose visible name is an institution, a medium or a site (安徽省人民政府, 中国工程院,
# 人民网, 中国日报网 …) is navigation (友情链接, dropdown menus, tab panels), not an off-topic
# destination; dark links carry commercial or spam anchors ("澳门威尼斯人", "代开发票").
INSTITUTION_NAME = re.compile(
    r"(?:政府|人大|政协|委员会|委|部|厅|局|办|院|所|中心|协会|学会|联合会|联|会|署|馆|台|社|报|"
    r"网|在线|窗|站|门户|平台|集团|大学|学院|银行|法院|检察院|纪委|监委|党校|总工会|团委|妇联|"
    r"研究院|科学院|工程院|档案|图书馆|博物馆|广播电视|电视台|日报|晚报|新闻|政务|服务)"
    r"(?:网站|官网|首页|门户)?$")


def _host(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


def _is_official(host: str, absolute: str) -> bool:
    if host.endswith(OFFICIAL_SUFFIXES) or host in ("gov.cn",):
        return True
    if any(host == f or host.endswith("." + f) for f in OFFICIAL_HOSTS + FURNITURE_HOSTS):
        return True
    try:
        path = urlsplit(absolute).path + "?" + urlsplit(absolute).query
    except ValueError:
        return False
    return bool(OFFICIAL_PATH.search(path[:500]))


def _outbound(href: str, page_url: str, site_hosts: tuple[str, ...]) -> str | None:
    """The foreign host of a link, or None for in-site, government, official-furniture and
    non-web links."""
    return _outbound_host(href, page_url, tuple(site_hosts))


@lru_cache(maxsize=32768)
def _outbound_host(href: str, page_url: str, site_hosts: tuple[str, ...]) -> str | None:
    """``_outbound``, once per (link, page, site): menus repeat on a page and on a site."""
    try:
        absolute = urljoin(page_url or "http://localhost/", href.strip())
    except ValueError:
        return None
    if not absolute.startswith(("http://", "https://")):
        return None
    host = _host(absolute)
    own = set(site_hosts) | ({_host(page_url)} if page_url else set())
    if not host or host in own or _is_official(host, absolute):
        return None
    if not page_url and not site_hosts and host == "localhost":
        return None
    return host


def _navigation_link(a, reason: str) -> bool:
    """A link a reader sees or that names an institution: an image link in a block hidden only
    by font-size (images stay visible), or a link whose visible name (or title) is an
    institution or a medium (人民网, 中国青年报 中青在线)."""
    text = _SPACES.sub("", _text_content(a))[:60]
    if reason.startswith("字号") and not text and next(a.iter("img"), None) is not None:
        return True
    title = _SPACES.sub("", a.get("title") or "")[:60]
    return any(bool(name) and bool(INSTITUTION_NAME.search(name)) for name in (text, title))


# A hidden block whose links are mostly navigation (a dropdown of related sites, a tab panel
# of 友情链接) is a menu: its other links (央视国际) are the same kind of entry. Dark links come
# as blocks of their own, with commercial anchors; spam words are reported in any block.
MENU_MIN_LINKS = 5
MENU_SHARE = 0.75


def _menu(anchors: list, reason: str, url: str, site_hosts: tuple[str, ...]) -> bool:
    if len(anchors) < MENU_MIN_LINKS:
        return False
    plain = sum(1 for a in anchors if _navigation_link(a, reason)
                or _outbound(a.get("href") or "", url, site_hosts) is None)
    return plain >= MENU_SHARE * len(anchors)


# What _element_hidden can find: an inline style, the hidden attribute, a marquee, a coloured
# <font>; with a stylesheet that hides by class or id, also elements with a class or id.
# (The union of attribute steps, in document order, takes two thirds of the time of one
# predicate over every element; with class and id most elements qualify, no gain.)
_HIDEABLE = etree.XPath("(//@style|//@hidden)/..|//marquee|//font[@color]")
_HIDEABLE_BY_SHEET = etree.XPath(
    "//*[@style or @hidden or @class or @id or self::marquee or self::font[@color]]")
_SPAM_TERMS: dict[int, tuple[object, list[tuple[str, str]], dict[str, tuple[str, ...]]]] = {}
_SPAM_MEMO_TEXT = 4096  # longer texts are not remembered
_SPAM_MEMO_SIZE = 4096


def _spam_lexicon(lexicon: Lexicon) -> tuple[list[tuple[str, str]], dict[str, tuple[str, ...]]]:
    """(term, normalised term) of the lexicon's 敏感词, normalised once per lexicon, and the
    lexicon's memo of text → words found."""
    from govinspect.lexicons.engine import normalise

    cached = _SPAM_TERMS.get(id(lexicon))
    if cached is None or cached[0] is not lexicon:
        terms = [(t.wrong, normalise(t.wrong)) for t in lexicon.terms if t.category == "敏感词"]
        cached = _SPAM_TERMS[id(lexicon)] = (lexicon, terms, {})
    return cached[1], cached[2]


def _spam_words(text: str, lexicon: Lexicon) -> list[str]:
    from govinspect.lexicons.engine import normalise

    terms, memo = _spam_lexicon(lexicon)
    # Remembered per text: a site's pages repeat their hidden menus and their scripts.
    words = memo.get(text)
    if words is None:
        norm = normalise(text)
        words = tuple(sorted({wrong for wrong, normal in terms if normal in norm}))
        if len(text) <= _SPAM_MEMO_TEXT:
            if len(memo) >= _SPAM_MEMO_SIZE:
                memo.clear()
            memo[text] = words
    return list(words)


def check_dark_links(html: str | bytes, *, url: str = "", subject: str = "",
                     site_hosts: tuple[str, ...] = (), page: PageText | None = None,
                     lexicon: Lexicon | None = None) -> list[Finding]:
    """Hidden blocks with outbound links or spam words (GI-S001), and script-written spam
    links (GI-S002): both rules on one page (for callers outside the engine)."""
    root = page.root if page is not None else parse_html(html)
    return (hidden_links(root, url=url, subject=subject, site_hosts=site_hosts, page=page,
                         lexicon=lexicon)
            + scripted_links(root, url=url, subject=subject, site_hosts=site_hosts,
                             lexicon=lexicon))


def hidden_links(root, *, url: str = "", subject: str = "", site_hosts: tuple[str, ...] = (),
                 page: PageText | None = None, lexicon: Lexicon | None = None) -> list[Finding]:
    """GI-S001: hidden blocks with outbound links or spam words."""
    # The text and element spans are only needed for a finding's offsets: built on demand.
    lex = lexicon if lexicon is not None else default_lexicon()
    sheet = _stylesheet_hidden(root)
    findings: list[Finding] = []
    reported: set = set()
    # Only elements that can be hidden at all are looked at (in document order): one XPath
    # in C instead of a Python call per element.
    for el in _HIDEABLE(root) if not sheet else _HIDEABLE_BY_SHEET(root):
        if not isinstance(el.tag, str) or el.tag in SKIP:
            continue
        reason = _element_hidden(el, sheet)
        if not reason:
            continue
        if reported and any(a in reported for a in el.iterancestors()):
            continue
        anchors = list(el.iter("a"))
        links = [] if _menu(anchors, reason, url, site_hosts) else [
            (a.get("href") or "") for a in anchors if not _navigation_link(a, reason)]
        foreign = sorted({h for h in (_outbound(x, url, site_hosts) for x in links) if h})
        words = _spam_words(_text_content(el), lex)
        if not foreign and not words:
            continue
        reported.add(el)
        if page is None:
            page = _page_text(root)
        start, end = page.spans.get(el, (0, 0))
        snippet = etree.tostring(el, encoding="unicode", with_tail=False)[:300]
        what = []
        if foreign:
            what.append(f"外部链接 {len(foreign)} 个（{'、'.join(foreign[:5])}）")
        if words:
            what.append(f"有害关键词（{'、'.join(words[:5])}）")
        findings.append(Finding(
            rule_id=HIDDEN.id, indicator_id="W-V1", subject=subject,
            message=f"疑似暗链：隐藏区块（{reason}）中含{'，'.join(what)}",
            evidence=Evidence(url=url, context=snippet, span=Span(0, len(snippet))),
            confidence=Confidence.CERTAIN if words else Confidence.SUSPECTED,
            item="harmful_content", details={"start": start, "end": end,
                                 "text": page.text[start:end][:200], "category": "暗链",
                                 "suggestion": "删除隐藏区块并排查网站是否被入侵",
                                 "reason": reason, "hosts": foreign, "words": words},
        ))
    return findings


def _writes(code: str) -> bool:
    """Whether a script writes into the page or redirects (``_SCRIPT_WRITES``). A substring
    test of the lower-cased code first rules out most scripts (the case-insensitive regex took
    0.15 ms a page): every character the regex matches to these pieces lower-cases to them."""
    low = code.lower()
    return (("document.wr" in low or "nnerhtml" in low or "locat" in low)
            and _SCRIPT_WRITES.search(code) is not None)


def scripted_links(root, *, url: str = "", subject: str = "",
                   site_hosts: tuple[str, ...] = (), lexicon: Lexicon | None = None
                   ) -> list[Finding]:
    """GI-S002: scripts that write spam links or redirect to outside sites."""
    lex = lexicon if lexicon is not None else default_lexicon()
    findings: list[Finding] = []
    for script in root.iter("script"):
        code = unquote(script.text or "")
        if not code.strip():
            continue
        if not _writes(code):
            continue
        written = _SCRIPT_HREF.findall(code) + _SCRIPT_LOCATION.findall(code)
        foreign = sorted({h for h in (_outbound(x, url, site_hosts) for x in written) if h})
        words = _spam_words(code, lex)
        if not (words or (foreign and _SCRIPT_HIDES.search(code))):
            continue
        snippet = code.strip()[:300]
        findings.append(Finding(
            rule_id=SCRIPTED.id, indicator_id="W-V1", subject=subject,
            message="疑似脚本写入暗链或跳转："
            + "，".join(x for x in (f"外部站点 {'、'.join(foreign[:5])}" if foreign else "",
                                    f"有害关键词（{'、'.join(words[:5])}）" if words else "") if x),
            evidence=Evidence(url=url, context=snippet, span=Span(0, len(snippet))),
            confidence=Confidence.CERTAIN if words else Confidence.SUSPECTED, item="harmful_content",
            details={"start": 0, "end": 0, "text": "", "category": "脚本暗链",
                     "suggestion": "删除该脚本并排查网站是否被入侵", "hosts": foreign,
                     "words": words},
        ))
    return findings

def _page_root(page):
    """The page's tree as parsed before extraction took hidden elements, scripts and styles
    out (``Doc.pristine`` of the Doc extraction made: no second parse, 0.2 ms per page
    against 0.5 ms for lxml.html). Comments are gone from it, as from extraction's tree."""
    doc = page.doc()
    return doc.pristine if doc.pristine is not None else parse_html(doc.source)


def hidden_links_on_page(page, ctx) -> list[Finding]:
    """GI-S001 on one captured page."""
    return hidden_links(_page_root(page), url=page.capture.url, subject=page.site.code,
                        site_hosts=page.site.hosts, lexicon=ctx.lexicon)


def scripted_links_on_page(page, ctx) -> list[Finding]:
    """GI-S002 on one captured page."""
    return scripted_links(_page_root(page), url=page.capture.url, subject=page.site.code,
                          site_hosts=page.site.hosts, lexicon=ctx.lexicon)


HIDDEN = register(Rule(
    id="GI-S001",
    title="暗链：隐藏区块中的外部链接或有害内容",
    indicators=("W-V1",),
    what="查找读者看不到的区块（display:none、visibility:hidden、移出屏幕、字号为0、文字与背景"
    "同色、极小的 marquee 等，含样式表中按 class/id 隐藏的）；其中含有指向非政府网站的外部链接"
    "或赌博、色情、私服等有害关键词的，报暗链。暗链是指向无关（赌博、色情、广告、商业）目的地的"
    "隐藏链接：政府、事业单位、院校网站之间的链接，党政机关网站标识、“我为政府网站找错”入口、"
    "备案和举报标识、无障碍服务等官方区块，以及链接文字（或 title）为机构或媒体名称的下拉菜单、"
    "选项卡等导航（五个以上链接中四分之三是这类导航的区块整体按导航看待）均不报；只隐藏文字间距"
    "（字号为0）的图片链接读者看得见，不报；样式表隐藏、但 @media 规则在手机屏幕上显示的区块是"
    "响应式布局，不报。"
    "本规则看不到：脚本运行后才显示或隐藏的状态（按页面源代码判断）、外部样式表中的隐藏规则、"
    "链接文字伪装成机构名称的商业链接（其中含有害关键词的仍报）。",
    why="暗链是网站被入侵、被植入黑帽SEO内容的典型表现，等同于发布或链接色情、赌博等有害内容，"
    "属于单项否决的安全问题。",
    example='<div style="position:absolute;top:-9999px"><a href="http://xx-casino.example/">'
    "澳门威尼斯人</a></div>",
    fix="立即删除隐藏区块，排查并修补网站漏洞、更换后台密码，检查同模板的所有页面。",
    basis="W-V1 安全、泄密事故等严重问题（发布或链接色情等内容；网站被篡改）。",
    check=hidden_links_on_page,
    scope=Scope.PAGE, emits=(("W-V1", "harmful_content"),),
    recheck=RecheckMode.PAGES,
    needs=("html",),
))

SCRIPTED = register(Rule(
    id="GI-S002",
    title="暗链：脚本写入的有害链接或跳转",
    indicators=("W-V1",),
    what="查找用 document.write、innerHTML 或 location 跳转写入的外部链接：脚本中含有赌博、色情、"
    "私服等关键词，或写入隐藏样式的外部链接、按来路（referrer）跳转到外部站点的，报疑似暗链。",
    why="被入侵的网站常用脚本写入暗链或只对搜索引擎来访者跳转，页面源代码中不易发现。",
    example="<script>document.write('<div style=\"display:none\"><a href=\"http://pk10.example/\">"
    "北京赛车pk10</a></div>')</script>",
    fix="删除可疑脚本，核对模板和公共 JS 文件，排查入侵途径。",
    basis="W-V1 安全、泄密事故等严重问题（网站被篡改、链接有害内容）。",
    check=scripted_links_on_page,
    scope=Scope.PAGE, emits=(("W-V1", "harmful_content"),),
    recheck=RecheckMode.PAGES,
    needs=("html",),
))
