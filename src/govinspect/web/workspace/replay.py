"""Replay a captured page as evidence: the stored WARC record, made inert.

The page is served to an ``<iframe sandbox>`` with a Content-Security-Policy that allows no
script and no request at all (``REPLAY_CSP``); on top of that the HTML itself is cleaned so
that it shows the same with any browser: scripts, frames, plug-ins, refreshes and event
handlers removed, links neutralised (the target kept in ``title``/``data-href``), images and
stylesheets inlined from captures of the same round when the crawl stored them (otherwise
left out), and the offending text or link of the finding marked ``#govinspect-hit``.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urldefrag, urljoin

from lxml import etree
from lxml import html as lxml_html

from govinspect.collect.warc import load_response
from govinspect.extract.encoding import decode

REPLAY_CSP = ("default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src data:; "
              "form-action 'none'; base-uri 'none'; frame-ancestors 'self'; sandbox")
HIT_ID = "govinspect-hit"
MAX_PAGE_BYTES = 8 * 1024 * 1024  # larger bodies are cut (the page says so)
MAX_INLINE_BYTES = 2 * 1024 * 1024  # images and stylesheets inlined per page, in all

# Removed with their content ...
_DROP = {"script", "iframe", "frame", "frameset", "applet", "base", "portal", "source", "track",
         "param", "template"}
# ... removed, keeping their content: the fallback a browser shows without the plug-in or
# media, and for <embed>, which libxml2 (unlike browsers) parses as a container, the rest of
# the page.
_UNWRAP = {"object", "embed", "audio", "video"}
_URL_ATTRS = {"src", "srcset", "lowsrc", "dynsrc", "background", "poster", "data", "codebase",
              "ping", "action", "formaction", "manifest", "xlink:href", "longdesc", "cite",
              "{http://www.w3.org/1999/xlink}href"}
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
# The mark, and the hidden block around it made visible (a dark link's display:none or
# off-screen container is the evidence itself).
_HIT_STYLE = (f"#{HIT_ID},.{HIT_ID}{{outline:3px solid #c00;background:#ff0;color:#000}}"
              f":has(#{HIT_ID}),#{HIT_ID}{{display:revert!important;"
              "visibility:visible!important;position:static!important;opacity:1!important;"
              "clip:auto!important;height:auto!important;width:auto!important}"
              "a[data-href]{cursor:not-allowed}")

Resource = Callable[[str], tuple[str, bytes] | None]


@dataclass(frozen=True)
class Capture:
    url: str
    status: int
    headers: list[tuple[str, str]]
    body: bytes
    date: str


class CaptureMissing(Exception):
    """The WARC file or record is not there (message in Chinese)."""


# A replay never decodes more than this (an archived gzip bomb must not exhaust the server).
REPLAY_MAX_BYTES = 16 * 1024 * 1024


def read_capture(warc_dir: Path, ref: str) -> Capture:
    """The response record ``ref`` ("file#offset") under ``warc_dir``."""
    name, sep, offset = ref.rpartition("#")
    if not sep or not offset.isdigit():
        raise CaptureMissing(f"采集引用格式有误：{ref}")
    base = Path(warc_dir).resolve()
    path = (base / name).resolve()
    if not path.is_relative_to(base) or not path.is_file():
        raise CaptureMissing(f"找不到存档文件：{name}")
    try:
        url, status, headers, body, _digest, date, _flags = load_response(
            path, int(offset), max_bytes=REPLAY_MAX_BYTES)
    except Exception as exc:  # noqa: BLE001 — a torn or foreign record: say so, never 500
        raise CaptureMissing(f"无法读取存档记录 {ref}：{exc}") from None
    return Capture(url, status, headers, body, date)


@dataclass(frozen=True)
class Replay:
    html: str
    highlighted: bool
    truncated: bool


def _data_uri(content_type: str, body: bytes) -> str:
    kind = (content_type or "application/octet-stream").split(";")[0].strip()
    return f"data:{kind};base64,{base64.b64encode(body).decode('ascii')}"


def _resolve(base: str, value: str) -> str:
    try:
        return urldefrag(urljoin(base, value.strip()))[0]
    except ValueError:  # e.g. a malformed IPv6 host
        return ""


def _inline(el, attr: str, base: str, resource: Resource | None, budget: list[int],
            want: str) -> bool:
    """Replace el[attr] with a data: URI of a captured resource of kind ``want``."""
    if resource is None:
        return False
    url = _resolve(base, el.get(attr) or "")
    found = resource(url) if url else None
    if not found:
        return False
    content_type, body = found
    if want not in (content_type or "").lower() or len(body) > budget[0]:
        return False
    budget[0] -= len(body)
    if want == "css":
        style = etree.Element("style")
        style.text = body.decode("utf-8", "replace")
        el.addprevious(style)
        el.getparent().remove(el)
    else:
        el.set(attr, _data_uri(content_type, body))
    return True


def _remove_keep_tail(el) -> None:
    """Remove ``el`` but not the text that follows it."""
    parent, tail = el.getparent(), el.tail or ""
    previous = el.getprevious()
    if tail:
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(el)


def _needle_pattern(needle: str) -> re.Pattern:
    """What to look for: the text itself; a masked number as the context shows it
    (3411**********113X) matches the digits on the page; markup (a dark link's hidden block)
    matches its text."""
    if "<" in needle and ">" in needle:
        try:
            needle = lxml_html.fragment_fromstring(needle, create_parent="div").text_content()
        except (etree.ParserError, ValueError):
            pass
    parts = [re.escape(p) for p in re.split(r"\*+", needle.strip())]
    stars = [len(m) for m in re.findall(r"\*+", needle.strip())]
    pattern = parts[0]
    for n, part in zip(stars, parts[1:], strict=True):
        pattern += rf"[0-9A-Za-z*]{{{n}}}" + part
    return re.compile(pattern)


def _mark_text(root, needle: str) -> bool:
    """Wrap the first occurrence of ``needle`` inside one text node in <mark id=HIT_ID>; when
    the text runs across elements (<b>, <span> …), mark the innermost element holding it."""
    if not needle.strip("* \t\n"):
        return False
    pattern = _needle_pattern(needle)
    body = root.find("body")
    body = body if body is not None else root
    for el in body.iter():
        if not isinstance(el.tag, str) or el.tag in ("style", "title", "textarea"):
            continue
        for where in ("text", "tail"):
            text = getattr(el, where)
            found = pattern.search(text) if text else None
            if found is None:
                continue
            if where == "tail" and (el is body or el.getparent() is None):
                continue
            mark = etree.Element("mark", id=HIT_ID)
            mark.text = found.group(0)
            mark.tail = text[found.end():]
            if where == "text":
                el.text = text[:found.start()]
                el.insert(0, mark)
            else:
                el.tail = text[:found.start()]
                el.addnext(mark)
            return True
    if not pattern.search(body.text_content()):
        return False
    holder = body
    while True:
        inner = next((c for c in holder if isinstance(c.tag, str)
                      and pattern.search(c.text_content())), None)
        if inner is None:
            break
        holder = inner
    holder.set("id", HIT_ID)
    holder.set("class", f"{holder.get('class') or ''} {HIT_ID}".strip())
    return True


def sanitise(text: str, base_url: str, *, needle: str = "", href: str = "",
             resource: Resource | None = None) -> tuple[str, bool]:
    """Inert HTML for ``text`` (a page at ``base_url``); marks ``needle`` (offending text)
    or, failing that, the links to ``href``. Returns (html, whether something was marked)."""
    text = _XML_DECL.sub("", text)
    try:
        root = lxml_html.document_fromstring(text or "<p></p>")
    except (etree.ParserError, ValueError):
        root = lxml_html.document_fromstring("<p>（页面内容为空或无法解析）</p>")
    budget = [MAX_INLINE_BYTES]
    target = _resolve(base_url, href) if href else ""
    hit = False
    for el in list(root.iter()):
        if not isinstance(el.tag, str):  # comments, processing instructions
            if el.getparent() is not None:
                _remove_keep_tail(el)
            continue
        tag = el.tag.lower()
        if tag in _DROP or tag in _UNWRAP:
            if el.getparent() is not None:
                el.drop_tree() if tag in _DROP else el.drop_tag()
            continue
        if tag == "meta" and (el.get("http-equiv") or el.get("charset") is not None):
            el.drop_tree()
            continue
        if tag == "link":
            rel = (el.get("rel") or "").lower()
            if not ("stylesheet" in rel and _inline(el, "href", base_url, resource, budget,
                                                    "css")):
                el.drop_tree()
            continue
        if tag == "img" and el.get("src") and not _inline(el, "src", base_url, resource,
                                                            budget, "image"):
            el.set("data-src", _resolve(base_url, el.get("src")))
            del el.attrib["src"]
        for name in list(el.attrib):
            low = name.lower()
            if low.startswith("on") or (low in _URL_ATTRS and not (
                    low == "src" and (el.get(name) or "").startswith("data:"))) \
                    or (low == "href" and tag not in ("a", "area")):
                del el.attrib[name]
        if tag in ("a", "area") and el.get("href") is not None:
            raw = el.get("href") or ""
            if not raw.startswith("#"):
                resolved = _resolve(base_url, raw)
                del el.attrib["href"]
                el.set("data-href", resolved or raw)
                el.set("title", el.get("title") or resolved or raw)
                if target and resolved == target:
                    el.set("class", f"{el.get('class') or ''} {HIT_ID}".strip())
                    if not hit:
                        el.set("id", HIT_ID)
                        hit = True
            el.attrib.pop("target", None)
    if needle:
        # the offending text wins over the link mark as the anchor to scroll to
        if _mark_text(root, needle) and hit:
            for el in root.iter("a", "area"):
                if el.get("id") == HIT_ID:
                    del el.attrib["id"]
        hit = hit or root.find(f".//*[@id='{HIT_ID}']") is not None
    head = root.find("head")
    if head is None:
        head = etree.Element("head")
        root.insert(0, head)
    style = etree.SubElement(head, "style")
    style.text = _HIT_STYLE
    head.insert(0, etree.Element("meta", charset="utf-8"))
    out = lxml_html.tostring(root, encoding="unicode", method="html", doctype="<!DOCTYPE html>")
    return out, hit


def replay(capture: Capture, *, needle: str = "", href: str = "",
           resource: Resource | None = None) -> Replay:
    body = capture.body
    truncated = len(body) > MAX_PAGE_BYTES
    if truncated:
        body = body[:MAX_PAGE_BYTES]
    headers = dict(capture.headers)
    content_type = next((v for k, v in capture.headers if k.lower() == "content-type"), "")
    if "html" not in content_type.lower() and content_type:
        text = f"<p>该记录不是网页（{content_type}，{len(capture.body)} 字节），不能在此显示。</p>"
        return Replay(sanitise(text, capture.url)[0], False, False)
    decoded, _declared, _used = decode(body, headers)
    html, hit = sanitise(decoded, capture.url, needle=needle, href=href, resource=resource)
    return Replay(html, hit, truncated)
