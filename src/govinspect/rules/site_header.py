"""Site name in the page header (W-D20 name_not_prominent), pure.

Judged per page while the round streams (the header's text is not kept in PageFacts) and
reported once per site. Only what can be read is judged: a header whose logo is an image
without alt text, or a CSS background, may well show the name, so such a page is left alone.
"""

from __future__ import annotations

import re
from functools import lru_cache

from lxml import etree

from govinspect.core.types import Confidence, Evidence, Finding
from govinspect.extract import PageFacts
from govinspect.extract.dom import clean
from govinspect.extract.site_tree import is_homepage as _is_homepage
from govinspect.rules.base import PageNote, Rule, Scope, register

NOTE = "site_header"
LISTED_PAGES = 10
_HEADER_ATTR = re.compile(r"(?:^|[\s_-])(?:top|head|header|logo|banner|toubu|sitename|site-name"
                          r"|webname|masthead)(?:$|[\s_\-\d])", re.I)
_FOOTER_ATTR = re.compile(r"foot|bottom|copyright|banquan", re.I)
_LOGO_ATTR = re.compile(r"logo|banner|sitename|webname", re.I)
_SUFFIX = re.compile(r"(?:门户网站|政府门户|门户|官方网站|官网|网站|政府网|信息网|公众信息网)$")
_PUNCT = re.compile(r"[\s·•|｜_\-—–:：,，()（）【】\[\]]")


def name_variants(name: str) -> list[str]:
    """The site's name and its core without a 网站/门户 suffix (at least 4 characters)."""
    name = _PUNCT.sub("", name or "")
    out = [name] if name else []
    core = _SUFFIX.sub("", name)
    if core != name and len(core) >= 4:
        out.append(core)
    return out


def _attrs(el) -> str:
    return f"{el.get('class') or ''} {el.get('id') or ''}"


@lru_cache(maxsize=8192)
def _header_attrs(attrs: str) -> bool:
    """Whether class and id name a header (once per string: templates repeat them)."""
    return bool(_HEADER_ATTR.search(attrs))


@lru_cache(maxsize=8192)
def _footer_attrs(attrs: str) -> bool:
    return bool(_FOOTER_ATTR.search(attrs))


def _header_regions(root) -> list:
    """Elements that form the page's header: <header>, or blocks whose class/id says so,
    outside the footer; the outermost of nested matches only."""
    found = []
    for el in root.iter("header", "div", "table", "td", "section", "h1", "a", "span"):
        if el.tag != "header" and not ((el.get("class") or el.get("id"))
                                       and _header_attrs(_attrs(el))):
            continue  # (no class and no id: nothing for the pattern to match)
        if any(_footer_attrs(_attrs(a)) for a in el.iterancestors()):
            continue
        if any(a in found for a in el.iterancestors()):
            continue
        found.append(el)
    return found


def _region_text(el) -> tuple[str, bool]:
    """(visible text plus image alt/title, whether an image or empty logo box could carry the
    name where we cannot read it)."""
    parts = [" ".join(el.itertext())]
    opaque = False
    for img in el.iter("img"):
        alt = (img.get("alt") or img.get("title") or "").strip()
        if alt:
            parts.append(alt)
        else:
            opaque = True
    for box in el.iter():
        if isinstance(box.tag, str) and _LOGO_ATTR.search(_attrs(box)) \
                and not clean(" ".join(box.itertext())) and not list(box.iter("img")):
            opaque = True  # a logo drawn by CSS
    if next(el.iter("object", "embed", "svg", "canvas", "iframe"), None) is not None:
        opaque = True  # a Flash / SVG / framed banner
    return _PUNCT.sub("", clean(" ".join(parts))), opaque


def site_header(site, page, facts: PageFacts) -> dict | None:
    """Page note: whether the site's name is shown in the header or the <title>; None when it
    cannot be told (no header found, or an unreadable logo)."""
    if facts.page_type in ("error",):
        return None
    variants = name_variants(site.name)
    if not variants:
        return None
    title = _PUNCT.sub("", facts.html_title or "")
    if any(v in title for v in variants):
        return {"shown": True, "where": "title"}
    root = page.doc().root  # the Doc extraction made
    if root is None or not isinstance(root, etree._Element):
        return None
    regions = _header_regions(root)
    if not regions:
        return None
    texts = []
    for el in regions:
        text, opaque = _region_text(el)
        if any(v in text for v in variants):
            return {"shown": True, "where": "header"}
        if opaque:
            return None
        texts.append(text)
    header = "".join(texts)
    if not header:
        return None
    return {"shown": False, "header": header[:80], "title": facts.html_title or ""}


def name_not_prominent(data, ctx) -> list[Finding]:
    """W-D20: pages whose header and <title> both lack the site's name (−1 once)."""
    site = data.site
    notes = data.notes.get(NOTE, {})
    lacking = sorted((u for u, n in notes.items() if not n.get("shown")),
                     key=lambda u: (not _is_homepage(u, site), u))
    if not lacking:
        return []
    first = notes[lacking[0]]
    return [Finding(
        rule_id=SITE_NAME.id, indicator_id="W-D20", subject=site.code,
        message=f"页面头部未突出显示网站名称“{site.name}”（{len(lacking)}/{len(notes)} 个页面）",
        evidence=Evidence(url=lacking[0], context=first.get("header", "")),
        confidence=Confidence.SUSPECTED, item="name_not_prominent",
        details={"pages_missing": len(lacking), "pages_checked": len(notes),
                 "examples": lacking[:LISTED_PAGES], "header": first.get("header", ""),
                 "title": first.get("title", "")})]


SITE_NAME = register(Rule(
    id="GI-W005", title="页面头部未突出显示网站名称", indicators=("W-D20",),
    what="在每个页面的头部区域（<header> 或 class/id 含 top、head、logo、banner 等的区块，页脚除外）"
    "的文字和图片替代文本中，以及 <title> 中查找名录中的网站名称（也接受去掉“门户网站”“网站”等"
    "后缀的名称）；两处都没有的页面汇总为网站一条（疑似）。头部的标识是没有替代文本的图片或"
    "CSS背景时无法判断，该页不计。",
    why="网站名称显著展示在所有页面头部，公众才能确认所在网站的身份，防止仿冒。",
    example='<div class="top"><a href="/">首页</a> | <a href="/wzdt/">网站地图</a></div>'
    "<title>工作动态</title>（头部和标题都没有网站名称）",
    fix="在公共模板头部显著位置展示规范的网站名称（图片标识须加替代文本），页面标题带网站名称。",
    basis="W-D20 域名名称（国办秘函〔2019〕19号：网站名称未在所有页面头部显著展示）",
    check=name_not_prominent,
    scope=Scope.SITE, emits=(("W-D20", "name_not_prominent"),),
    needs=(PageNote(NOTE, site_header),)))

