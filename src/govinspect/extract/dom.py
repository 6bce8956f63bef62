"""Parse a decoded page with lxml and prepare what every extractor reads.

The page is parsed the way a browser shows it, not the way libxml2 stops on it (measured in
docs/reliability.md): C0 control characters are neutralised to spaces (lxml refuses them),
``</body>``/``</html>`` end tags are dropped (a stray one in an include ends libxml2's
document while a browser goes on in the body), ``huge_tree`` lifts libxml2's 10 MB text-node
and 256-level depth limits, and a page nested deeper than libxml2's hard limit is re-parsed
with the elements past ``MAX_DEPTH`` flattened (Blink flattens past 512 too). Every such
repair is recorded in ``Doc.notes``.

Comments, ``<script>``, ``<style>`` and elements hidden with an inline ``display:none`` are
not part of the visible page (the labels and the inspectors count them as absent); scripts are
kept aside because pagers, 找错 entries and 党政机关 logos are often script-only.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import urljoin

from lxml import etree

BLOCK_TAGS = ("p", "div", "li", "tr", "table", "ul", "ol", "dl", "dt", "dd", "h1", "h2", "h3",
              "h4", "h5", "h6", "br", "section", "article", "header", "footer", "nav", "form",
              "blockquote", "pre", "hr", "center", "aside", "main", "title")
CELL_TAGS = ("td", "th")
_HIDDEN = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
# Plain lxml elements (no lxml.html class lookup: it costs a third of the parse time).
_PARSER = etree.HTMLParser(remove_comments=True, remove_pis=True, no_network=True,
                           huge_tree=True)
_PARSER_UTF8 = etree.HTMLParser(remove_comments=True, remove_pis=True, no_network=True,
                                huge_tree=True, encoding="utf-8")
# What lxml refuses in a tree ("All strings must be XML compatible"): C0 controls other than
# tab/newline/CR, DEL, non-characters and lone surrogates. A browser shows them as nothing or
# as a space; a space keeps words apart.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff\ud800-\udfff]")
# libxml2 ends the document at </html> (and mis-nests at </body>); in a browser both only
# change the insertion mode and what follows still lands in the body.
_DOC_END = re.compile(r"</(?:html|body)\s*>", re.I)
MAX_DEPTH = 512
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9:-]*)[^>]*>")
_VOID = frozenset(("area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                   "param", "source", "track", "wbr", "basefont", "frame", "isindex", "keygen"))
_WS = re.compile(r"[ \t\u00a0\u3000\u2002\u2003\u2009\u200b\u200c\u200d\u2060\ufeff\r\f\v]+")
_NL = re.compile(r"\s*\n\s*")


# Characters on which ``str.split()`` and the two regexes below disagree: whitespace that
# str.split() breaks on but _WS does not (kept unless next to a newline), and zero-width
# characters that _WS collapses but str.split() keeps.
_SPLIT_DIFFERS = re.compile("[\x1c-\x1f\x85\u1680\u2000\u2001\u2004-\u2008\u200a\u2028"
                            "\u2029\u202f\u205f\u200b\u200c\u200d\u2060\ufeff]")


def clean(text: str | None) -> str:
    """Collapse whitespace (incl. full-width and zero-width) to single spaces."""
    if not text:
        return ""
    if _SPLIT_DIFFERS.search(text) is None:
        # the same result, 2.5x faster on the anchors of real pages (one C call)
        return " ".join(text.split())
    return _NL.sub(" ", _WS.sub(" ", text)).strip()


@dataclass
class Doc:
    root: etree._Element
    url: str
    scripts: list[str] = field(default_factory=list)  # inline script bodies
    script_srcs: list[str] = field(default_factory=list)
    meta: dict[str, str] = field(default_factory=dict)  # lower-cased name → content
    meta_names: dict[str, str] = field(default_factory=dict)  # lower-cased → as written
    html_title: str = ""
    text: str = ""  # visible text, one line per block
    lines: list[str] = field(default_factory=list)
    link_cache: list | None = None
    notes: list[str] = field(default_factory=list)  # repairs and limits hit while parsing (zh)
    source: str = ""  # the decoded page as given (comments included)
    # the tree as parsed, before hidden elements, scripts, styles … were taken out (for the
    # dark-link rules); kept by ``parse_shared`` only
    pristine: etree._Element | None = None


def _flatten(text: str, limit: int = MAX_DEPTH) -> str:
    """Keep the tree at most ``limit`` levels deep, as Blink does: an element opened at the
    limit becomes the next sibling of the deepest open element (which is closed first), and
    the end tags of elements closed that way are dropped when they come. Linear in the text;
    tags are found by a plain scan, so it is only used when libxml2 gave up on the depth."""
    out: list[str] = []
    pos = depth = 0
    at_limit: list[str] = []  # names closed early at the limit level, oldest first
    top = ""  # name of the element open at the limit level
    for m in _TAG.finditer(text):
        name = m.group(2).lower()
        if name in _VOID or m.group(0).endswith("/>"):
            continue
        if m.group(1):  # end tag
            if depth >= limit and name == top:
                depth -= 1
                top = ""
            elif at_limit and depth == limit - 1 and name == at_limit[-1]:
                at_limit.pop()
                out.append(text[pos:m.start()])
                pos = m.end()
            elif depth:
                depth -= 1
        elif depth >= limit:
            out.append(text[pos:m.start()])
            out.append(f"</{top}>")
            pos = m.start()
            at_limit.append(top)
            top = name
        else:
            depth += 1
            if depth >= limit:
                top = name
    out.append(text[pos:])
    return "".join(out)


def _fromstring(text: str):
    """(root or None, whether libxml2 hit its depth limit)."""
    try:
        root = etree.fromstring(text, _PARSER)
        log = _PARSER.error_log
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        # lxml refuses str input with an encoding declaration: give it UTF-8 bytes
        try:
            root = etree.fromstring(text.encode("utf-8", "replace"), _PARSER_UTF8)
            log = _PARSER_UTF8.error_log
        except (etree.ParserError, etree.XMLSyntaxError, ValueError):
            return None, False
    too_deep = any(e.type_name == "ERR_RESOURCE_LIMIT" for e in log) if len(log) else False
    return root, too_deep


def parse_tree(text: str, notes: list[str] | None = None):
    """The lxml root of ``text`` parsed as a browser would (see the module doc); repairs are
    appended to ``notes``. Never raises; an empty document at worst."""
    notes = notes if notes is not None else []
    root = None
    if text and text.strip():
        if _CONTROL.search(text):
            text = _CONTROL.sub(" ", text)
            notes.append("页面含控制字符，已按空格处理后解析")
        text = _DOC_END.sub("", text)
        root, too_deep = _fromstring(text)
        if too_deep:
            root, _ = _fromstring(_flatten(text))
            notes.append(f"页面元素嵌套超过解析器上限，第 {MAX_DEPTH} 层以下的元素已展平后解析")
    if root is None:
        root = etree.fromstring("<html><body></body></html>", _PARSER)
    return root


_SHARED: list[Doc] = []  # newest last
_SHARED_SIZE = 2


def parse_shared(text: str, url: str) -> Doc:
    """``parse``, computed once per page: extraction and the page rules that read the same
    decoded page (the header rule …) share one Doc. Readers must not change the tree. The
    last two pages are kept."""
    # compared, not hashed: hashing a page-sized string costs more than two comparisons
    # (identity, then length, then memcmp)
    for doc in _SHARED:
        if doc.url == url and doc.source == (text or ""):
            return doc
    doc = parse(text, url, keep_pristine=True)
    if len(_SHARED) >= _SHARED_SIZE:
        del _SHARED[0]
    _SHARED.append(doc)
    return doc


def parse(text: str, url: str, keep_pristine: bool = False) -> Doc:
    """Build a Doc; never raises on odd markup (an empty Doc at worst). ``keep_pristine``:
    also keep a copy of the tree as parsed (``Doc.pristine``; copying is 2.5× cheaper than
    parsing again)."""
    notes: list[str] = []
    root = parse_tree(text, notes)
    doc = Doc(root=root, url=url, notes=notes, source=text or "")
    if keep_pristine:
        doc.pristine = copy.deepcopy(root)
    for el in root.iter("meta"):
        name = el.get("name") or el.get("property") or el.get("http-equiv")
        if name:
            key = name.strip().lower()
            if key not in doc.meta or not doc.meta[key]:
                doc.meta[key] = clean(el.get("content"))
                doc.meta_names[key] = name.strip()
    title = next(root.iter("title"), None)
    if title is not None:
        doc.html_title = clean(text_of(title))
    for el in root.iter("script"):
        if el.text:
            doc.scripts.append(el.text)
        if el.get("src"):
            doc.script_srcs.append(el.get("src"))
    # a walk over the elements finds the styled ones twice as fast as XPath //*[@style]
    hidden = [el for el in root.iter(etree.Element)
              if (style := el.get("style")) and _HIDDEN.search(style)]
    for el in hidden:
        _drop(el)
    etree.strip_elements(root, etree.Comment, etree.ProcessingInstruction, "script", "style",
                         "noscript", "template", "title", with_tail=False)
    _mark_blocks(root)
    doc.text = linear_text(root)
    doc.lines = [ln for ln in doc.text.split("\n") if ln]
    return doc


def _drop(el) -> None:
    """Remove an element but keep the text that follows it."""
    parent = el.getparent()
    if parent is None:
        return
    if el.tail:
        prev = el.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + el.tail
        else:
            parent.text = (parent.text or "") + el.tail
    parent.remove(el)


def _mark_blocks(root) -> None:
    """Put a newline around every block and a tab after every cell, once per page, so that
    lxml's C text serialiser yields one line per block."""
    for el in root.iter(*BLOCK_TAGS):
        el.tail = "\n" + el.tail if el.tail else "\n"
        if el.text:
            el.text = "\n" + el.text
    for el in root.iter(*CELL_TAGS):
        el.tail = "\t" + el.tail if el.tail else "\t"


_SPACE_RUN = re.compile(r"[ \u00a0\u3000\u2002\u2003\u2009\u200b\u200c\u200d\u2060\ufeff\f\v]+")
_TAB_RUN = re.compile(r" ?\t[ \t]*")
_BLANK_LINES = re.compile(r"[ \t]*\n[ \t\n]*")


def linear_text(root) -> str:
    """Visible text with a newline per block and a tab per table cell."""
    try:
        raw = etree.tostring(root, method="text", encoding="unicode", with_tail=False)
    except (ValueError, TypeError):
        return ""
    raw = _SPACE_RUN.sub(" ", raw.replace("\r", "\n"))
    raw = _TAB_RUN.sub("\t", raw)
    return _BLANK_LINES.sub("\n", raw).strip(" \n\t")


def text_of(el) -> str:
    """All text inside an element (comments and scripts are already gone)."""
    try:
        if not len(el):
            return el.text or ""
        # lxml's C text serialiser: half the time of "".join(el.itertext())
        return etree.tostring(el, method="text", encoding="unicode", with_tail=False)
    except (ValueError, AttributeError, TypeError):
        return ""


def element_text(el) -> str:
    return clean(text_of(el))


@lru_cache(maxsize=32768)
def _join(base: str, href: str) -> str:
    """``urljoin``, once per (page URL, href): a page repeats its menu links, and a site's
    pages share their header and footer links."""
    return urljoin(base, href)


def links(doc: Doc) -> list[tuple[str, str, etree._Element]]:
    """(absolute URL, text, element) of every ``<a href>`` still in the visible tree."""
    if doc.link_cache is not None:
        return doc.link_cache
    out = []
    for a in doc.root.iter("a"):
        href = (a.get("href") or "").strip()
        if not href or href.startswith(("javascript:", "#", "mailto:", "tel:")):
            continue
        if href.startswith(("http://", "https://")) or not doc.url:
            absolute = href
        else:
            try:
                absolute = _join(doc.url, href)
            except ValueError:
                continue
        text = element_text(a) or clean(a.get("title"))
        if not text:
            img = next(a.iter("img"), None)  # ElementPath is slower
            if img is not None:
                text = clean(img.get("alt") or img.get("title"))
        out.append((absolute, text, a))
    doc.link_cache = out
    return out
