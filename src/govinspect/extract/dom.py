"""Parse a decoded page with lxml and prepare what every extractor reads.

Comments, ``<script>``, ``<style>`` and elements hidden with an inline ``display:none`` are
not part of the visible page (the labels and the inspectors count them as absent); scripts are
kept aside because pagers, 找错 entries and 党政机关 logos are often script-only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urljoin

from lxml import etree

BLOCK_TAGS = ("p", "div", "li", "tr", "table", "ul", "ol", "dl", "dt", "dd", "h1", "h2", "h3",
              "h4", "h5", "h6", "br", "section", "article", "header", "footer", "nav", "form",
              "blockquote", "pre", "hr", "center", "aside", "main", "title")
CELL_TAGS = ("td", "th")
_HIDDEN = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
# Plain lxml elements (no lxml.html class lookup: it costs a third of the parse time).
_PARSER = etree.HTMLParser(remove_comments=True, remove_pis=True, no_network=True)
_PARSER_UTF8 = etree.HTMLParser(remove_comments=True, remove_pis=True, no_network=True,
                                encoding="utf-8")
_WS = re.compile(r"[ \t\u00a0\u3000\u2002\u2003\u2009\u200b\u200c\u200d\u2060\ufeff\r\f\v]+")
_NL = re.compile(r"\s*\n\s*")


def clean(text: str | None) -> str:
    """Collapse whitespace (incl. full-width and zero-width) to single spaces."""
    if not text:
        return ""
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


def parse(text: str, url: str) -> Doc:
    """Build a Doc; never raises on odd markup (an empty Doc at worst)."""
    root = None
    try:
        root = etree.fromstring(text, _PARSER) if text and text.strip() else None
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        # lxml refuses str input with an encoding declaration: give it UTF-8 bytes
        try:
            root = etree.fromstring(text.encode("utf-8", "replace"), _PARSER_UTF8)
        except (etree.ParserError, etree.XMLSyntaxError, ValueError):
            root = None
    if root is None:
        root = etree.fromstring("<html><body></body></html>", _PARSER)
    doc = Doc(root=root, url=url)
    for el in root.iter("meta"):
        name = el.get("name") or el.get("property") or el.get("http-equiv")
        if name:
            key = name.strip().lower()
            if key not in doc.meta or not doc.meta[key]:
                doc.meta[key] = clean(el.get("content"))
                doc.meta_names[key] = name.strip()
    title = root.find(".//title")
    if title is not None:
        doc.html_title = clean(text_of(title))
    for el in root.iter("script"):
        if el.text:
            doc.scripts.append(el.text)
        if el.get("src"):
            doc.script_srcs.append(el.get("src"))
    hidden = [el for el in root.xpath("//*[@style]") if _HIDDEN.search(el.get("style"))]
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
        return "".join(el.itertext())
    except (ValueError, AttributeError, TypeError):
        return ""


def element_text(el) -> str:
    return clean(text_of(el))


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
                absolute = urljoin(doc.url, href)
            except ValueError:
                continue
        text = element_text(a) or clean(a.get("title"))
        if not text:
            img = a.find(".//img")
            if img is not None:
                text = clean(img.get("alt") or img.get("title"))
        out.append((absolute, text, a))
    doc.link_cache = out
    return out
