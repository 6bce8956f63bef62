"""Decode an HTML body whatever it declares and pull out, in one lxml pass, what the collector
records: links, images, frames, the title and the amount of visible text. Pure."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import urljoin

import lxml.etree
import lxml.html
from charset_normalizer import from_bytes
from w3lib.url import safe_url_string

from govinspect.collect.classify import SKIPPED_SCHEMES

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_\-]+)""", re.IGNORECASE)
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([a-zA-Z0-9_\-]+)", re.IGNORECASE)
_GB_FAMILY = {"gbk", "gb2312", "gb18030", "hz", "cp936", "euc_cn"}
_WS = re.compile(r"\s+")


def _norm(name: str | None) -> str | None:
    if not name:
        return None
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def declared_charset(content_type: str, body: bytes) -> str | None:
    """What the page says it is: the HTTP header first, then a <meta> in the first 4 KiB."""
    m = _HEADER_CHARSET.search(content_type or "")
    if m:
        return m.group(1).lower()
    m = _META_CHARSET.search(body[:4096])
    return m.group(1).decode("ascii").lower() if m else None


def decode_body(body: bytes, declared: str | None) -> tuple[str, str]:
    """Return (text, charset actually used).

    Chinese government sites often lie about their encoding (GBK pages labelled UTF-8 and the
    reverse), so the label is only a hint: a BOM wins, then strict UTF-8 validity (GBK text is
    almost never valid UTF-8), then the GB family as GB18030 (its superset), then the label if
    it decodes cleanly, then charset_normalizer.
    """
    for bom, name in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16"),
                      (codecs.BOM_UTF16_BE, "utf-16")):
        if body.startswith(bom):
            return body.decode(name, errors="replace").lstrip("\ufeff"), name
    label = _norm(declared)
    if body.isascii():
        return body.decode("ascii"), label or "ascii"
    try:
        return body.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    if label in _GB_FAMILY or label is None or label == "utf-8":
        try:
            return body.decode("gb18030"), "gb18030"
        except UnicodeDecodeError:
            pass
    if label and label != "utf-8":
        try:
            return body.decode(label), label
        except UnicodeDecodeError:
            pass
    best = from_bytes(body[:65536]).best()
    if best is not None:
        return body.decode(best.encoding, errors="replace"), best.encoding
    return body.decode("gb18030", errors="replace"), "gb18030"


@dataclass(frozen=True)
class FoundLink:
    url: str  # absolute, fragment stripped
    text: str  # anchor text, or the img alt / title
    tag: str  # "a", "img", "frame", "iframe"


@dataclass
class ParsedPage:
    title: str = ""
    text_length: int = 0
    text_sample: str = ""  # the first characters of visible text (soft-404 / challenge tests)
    links: list[FoundLink] = field(default_factory=list)


def _absolute(base: str, raw: str | None) -> str | None:
    if not raw:
        return None
    raw = raw.strip()
    if not raw or raw.startswith("#"):
        return None
    if raw.lower().startswith(SKIPPED_SCHEMES):
        return None
    try:
        if raw[0] == "/" and raw[1:2] != "/" and "/." not in raw and "\\" not in raw:
            # Root-relative, no dot segments: what urljoin gives is the base's origin + raw.
            # Most links of a government site look like this; urljoin was a fifth of parsing.
            return _safe_absolute(_origin(base) + raw)
        return _safe_absolute(urljoin(base, raw))
    except ValueError:
        return None


@lru_cache(maxsize=1 << 10)
def _origin(base: str) -> str:
    """scheme://netloc of an absolute URL."""
    scheme, rest = base.split("://", 1)
    return f"{scheme}://{rest.split('/', 1)[0].split('?', 1)[0].split('#', 1)[0]}"


# The same targets recur on every page of a site (navigation, footer): safe_url_string is the
# dearest step of link extraction and pure, so its answers are kept.
@lru_cache(maxsize=1 << 16)
def _safe_absolute(joined: str) -> str | None:
    url = safe_url_string(joined).split("#", 1)[0]
    if not url.startswith(("http://", "https://")):
        return None
    return url


def _clean(text: str) -> str:
    return _WS.sub(" ", text).strip()


_HTML_PARSER = lxml.html.HTMLParser(encoding="utf-8", remove_comments=True)


def parse_html(text: str, url: str, sample_chars: int = 4000) -> ParsedPage:
    """One pass over the document. ``url`` is the final URL (after redirects)."""
    page = ParsedPage()
    try:
        root = lxml.html.document_fromstring(text.encode("utf-8", "surrogatepass"),
                                             parser=_HTML_PARSER)
    except (lxml.etree.ParserError, ValueError):
        return page
    if root is None:
        return page
    base = url
    for b in root.iter("base"):
        href = b.get("href")
        if href:
            base = urljoin(url, href.strip())
        break
    title = root.find(".//title")
    if title is not None and title.text:
        page.title = _clean(title.text)
    for el in root.iter("a", "img", "frame", "iframe", "area"):
        tag = el.tag
        if tag in ("a", "area"):
            link = _absolute(base, el.get("href"))
            if link:
                if tag != "a":
                    label = ""
                elif len(el):  # an element with children: all of its text
                    label = _clean(el.text_content())
                else:
                    label = _clean(el.text or "")
                if not label:
                    label = _clean(el.get("title") or "")
                if not label:
                    img = next(el.iter("img"), None) if tag == "a" else None
                    label = _clean(img.get("alt") or "") if img is not None else ""
                if not label and tag == "area":
                    label = _clean(el.get("alt") or "")
                page.links.append(FoundLink(link, label, "a"))
        elif tag == "img":
            link = _absolute(base, el.get("src"))
            if link:
                page.links.append(FoundLink(link, _clean(el.get("alt") or el.get("title") or ""),
                                            "img"))
        else:
            link = _absolute(base, el.get("src"))
            if link:
                page.links.append(FoundLink(link, _clean(el.get("title") or el.get("name") or ""),
                                            tag))
    body = root.find("body")
    if body is None:
        body = root
    for bad in body.iter("script", "style", "noscript"):
        bad.text = None
    visible = _clean(body.text_content())
    page.text_length = len(visible)
    page.text_sample = visible[:sample_chars]
    return page
