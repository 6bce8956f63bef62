"""Decode an HTML body whatever it declares and pull out, in one lxml pass, what the collector
records: links, images, frames, the title and the amount of visible text. Pure."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import urljoin, urlsplit

import lxml.etree
import lxml.html
from charset_normalizer import from_bytes
from w3lib.url import safe_url_string

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


@dataclass(frozen=True)
class OtherLink:
    """A link that is not an HTTP(S) URL: a visitor's click does not fetch a page."""

    raw: str  # the attribute as written (cut to ``OTHER_LINK_CHARS``)
    text: str
    cls: str  # "non_http" (mailto:, javascript:, file:, ftp: …) or "invalid" (unparseable)
    scheme: str  # "mailto", "file" …; "" for an invalid URL


@dataclass
class ParsedPage:
    title: str = ""
    text_length: int = 0
    text_sample: str = ""  # the first characters of visible text (soft-404 / challenge tests)
    links: list[FoundLink] = field(default_factory=list)
    other_links: list[OtherLink] = field(default_factory=list)
    links_cut: int = 0  # links past ``max_links`` (counted, not kept)
    tags_cut: bool = False  # the markup past ``max_tags`` was not parsed
    empty: bool = False  # no document at all (whitespace only, or nothing a parser accepts)


# Not fetched, and not HTTP: recorded as their own link class. ``data:`` URIs are inline
# content (often megabytes), ``about:`` placeholders: neither is a link a visitor follows.
_IGNORED_SCHEMES = ("data:", "about:")
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]{0,31}):")
OTHER_LINK_CHARS = 300
_INVALID = "invalid"


def _absolute(base: str, raw: str | None) -> str | None:
    """The absolute http(s) URL of ``raw``; None for no link; the scheme (``"mailto:"`` …) of
    a non-HTTP link and ``_INVALID`` for one that cannot be parsed come back via
    ``_classify_other``."""
    if not raw:
        return None
    raw = raw.strip()
    if not raw or raw.startswith("#"):
        return None
    try:
        if raw[0] == "/" and raw[1:2] != "/" and "/." not in raw and "\\" not in raw:
            # Root-relative, no dot segments: what urljoin gives is the base's origin + raw.
            # Most links of a government site look like this; urljoin was a fifth of parsing.
            return _safe_absolute(_origin(base) + raw)
        if not raw[:6].lower().startswith(("http:", "https:")) and _SCHEME.match(raw):
            return None  # another scheme: see _classify_other
        return _safe_absolute(urljoin(base, raw))
    except ValueError:
        return None


def _classify_other(base: str, raw: str) -> tuple[str, str] | None:
    """(cls, scheme) of a link ``_absolute`` gave no URL for; None when it is no link at all
    (empty, a fragment, ``data:`` / ``about:``)."""
    raw = raw.strip()
    if not raw or raw.startswith("#") or raw.lower().startswith(_IGNORED_SCHEMES):
        return None
    m = _SCHEME.match(raw)
    if m and m.group(1).lower() not in ("http", "https"):
        return "non_http", m.group(1).lower()
    try:
        joined = urljoin(base, raw)
        url = safe_url_string(joined)
        urlsplit(url).hostname  # noqa: B018 - raises on a malformed host ("http://[fe80::1")
    except ValueError:
        return _INVALID, ""
    if not url.startswith(("http://", "https://")):
        scheme = _SCHEME.match(url)
        return "non_http", scheme.group(1).lower() if scheme else ""
    if not urlsplit(url).hostname:
        return _INVALID, ""
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
    try:
        if not urlsplit(url).hostname:
            return None
    except ValueError:  # "http://[fe80::1": a malformed IPv6 host
        return None
    return url


def _clean(text: str) -> str:
    return _WS.sub(" ", text).strip()


_HTML_PARSER = lxml.html.HTMLParser(encoding="utf-8", remove_comments=True)


def cut_tags(text: str, max_tags: int) -> str | None:
    """``text`` cut before its ``max_tags``-th ``<`` when it has more (None when not): the
    parser's memory grows with the number of elements, not with the bytes."""
    if max_tags <= 0 or text.count("<") <= max_tags:
        return None
    pos = -1
    find = text.find
    for _ in range(max_tags):
        pos = find("<", pos + 1)
    return text[:pos]


def parse_html(text: str, url: str, sample_chars: int = 4000, max_links: int = 0,
               max_tags: int = 0) -> ParsedPage:
    """One pass over the document. ``url`` is the final URL (after redirects). With
    ``max_links`` / ``max_tags`` (0: no limit) a page keeps at most that many links and is
    parsed up to that many tags; ``links_cut`` / ``tags_cut`` say what was left out."""
    page = ParsedPage()
    cut = cut_tags(text, max_tags)
    if cut is not None:
        text, page.tags_cut = cut, True
    try:
        root = lxml.html.document_fromstring(text.encode("utf-8", "surrogatepass"),
                                             parser=_HTML_PARSER)
    except (lxml.etree.ParserError, ValueError):
        page.empty = True
        return page
    if root is None:
        page.empty = True
        return page
    base = url
    for b in root.iter("base"):
        href = b.get("href")
        if href:
            try:
                base = urljoin(url, href.strip())
                urlsplit(base).hostname  # noqa: B018 - a malformed base is no base
            except ValueError:
                base = url
        break
    title = root.find(".//title")
    if title is not None and title.text:
        page.title = _clean(title.text)
    links = page.links
    others = page.other_links
    limit = max_links if max_links > 0 else 1 << 62
    for el in root.iter("a", "img", "frame", "iframe", "area"):
        tag = el.tag
        raw = el.get("href") if tag in ("a", "area") else el.get("src")
        link = _absolute(base, raw)
        if link is None:
            if not raw:
                continue
            other = _classify_other(base, raw)
            if other is None:
                continue
            if len(links) + len(others) >= limit:
                page.links_cut += 1
                continue
            label = _clean(el.text_content())[:200] if tag == "a" else \
                _clean(el.get("alt") or el.get("title") or "")
            others.append(OtherLink(raw.strip()[:OTHER_LINK_CHARS], label, *other))
            continue
        if len(links) + len(others) >= limit:
            page.links_cut += 1
            continue
        if tag in ("a", "area"):
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
            links.append(FoundLink(link, label, "a"))
        elif tag == "img":
            links.append(FoundLink(link, _clean(el.get("alt") or el.get("title") or ""), "img"))
        else:
            links.append(FoundLink(link, _clean(el.get("title") or el.get("name") or ""), tag))
    body = root.find("body")
    if body is None:
        body = root
    for bad in body.iter("script", "style", "noscript"):
        bad.text = None
    visible = _clean(body.text_content())
    page.text_length = len(visible)
    page.text_sample = visible[:sample_chars]
    return page
