"""Footer identity (W-D21, W-D23): 党政机关网站标识, 网站标识码, ICP备案号, 公安机关备案号,
主办单位, 联系方式 and the 我为政府网站找错 entry."""

from __future__ import annotations

import re

from govinspect.extract.dom import Doc, clean
from govinspect.extract.facts import Footer

SITE_ID_RE = re.compile(r"(?:网站标识码|标识码)\s*[:：]?\s*((?:bm)?\d{8,10})", re.I)
# "京ICP备05000001号", "京ICP备05000001号-2", and as real footers write it: "蜀ICP备：19007388号",
# "鄂ICP备05009168" (no 号), "蒙ICP备 05006530", "鄂ICP备19031037-2号"
ICP_RE = re.compile(r"[\u4e00-\u9fff]\s*ICP\s*备\s*[:：]?\s*\d(?:[\d ]{2,14}\d)?"
                    r"(?:\s*号)?(?:\s*-\s*\d{1,3}(?:\s*号)?)?", re.I)
# "京公网安备11010602060030号", "鄂公网安备 42010202000465号", "京公网安备:11010202007633"
PSB_RE = re.compile(r"[\u4e00-\u9fff]\s*公\s*网\s*安\s*备\s*(?:[:：]\s*)?\d[\d\s]{5,19}号?")
PSB_ALT_RE = re.compile(r"公安(?:机关)?备案(?:号|编号)?\s*[:：]\s*[\d\-]{6,24}")
# "主办单位：X", "主 办：X"; a bare "主办 X" is read the other way ("X主办 Y承办": X is it)
SPONSOR_RE = re.compile(r"(?:(?:主办单位|主办方|网站主办)\s*[:：]?|主\s*办\s*[:：])\s*"
                        r"([\u4e00-\u9fff（）()·]{2,40})")
# "巴彦淖尔市人民政府办公室（主办）", "西安市人民政府办公厅主办": the sponsor named before the word
SPONSOR_BEFORE_RE = re.compile(r"([\u4e00-\u9fff]{2,30}?(?:人民政府|政府|办公室|办公厅|委员会|管委会|局|厅|委|办|"
                               r"部|院|中心))\s*[（(]?\s*主办\s*[)）]?(?![\u4e00-\u9fff]{0,2}单位)")
SPONSOR_STOP = re.compile(r"(承办|协办|技术支持|运行维护|维护|联系|地址|电话|邮编|网站标识码|ICP|备案|版权|Copyright)")
CONTACT_RE = re.compile(r"联系我们|联系方式|联系电话|联系邮箱|电子邮箱|咨询电话|服务热线|联系地址|及时咨询|"
                        r"运维电话|维护电话|值班电话|办公电话|网站维护|电子信箱|网站信箱|邮箱\s*[:：]|"
                        r"E-?mail\s*[:：]|webmaster|电话\s*[:：]\s*[(（]?\d{3,4}|地\s*址\s*[:：]")
# What marks a page's footer block (the identity lines a footer carries).
FOOTER_MARK = re.compile(r"版权所有|Copyright|©|ICP\s*备|网站标识码|公网安备|主办单位|主\s*办\s*[:：]", re.I)
_COMMENT_MARK = re.compile(r"ICP\s*备|网站标识码|公网安备|版权所有|主办单位", re.I)
ZHAOCUO_RE = re.compile(r"我为政府网站找错|政府网站找错|jiucuo|zhaocuo|我要纠错|网站纠错|找错", re.I)
_ATTRS = ("href", "src", "id", "title", "alt", "class")


_CONAC_WORDS = ("conac", "Conac", "党政机关")
_ZHAOCUO_WORDS = ("jiucuo", "JiuCuo", "zhaocuo", "找错", "纠错")


_MARK_WORDS = _CONAC_WORDS + _ZHAOCUO_WORDS
_MARK_TAGS = ("a", "img", "span", "div", "iframe")
_MARK_RE = re.compile("|".join(map(re.escape, _MARK_WORDS)))


def _marks(doc: Doc) -> tuple[bool, bool]:
    """(党政机关 logo, 找错 entry) carried by an attribute (href, src, id …) of a visible a,
    img, span, div or iframe element."""
    if not any(w in doc.source for w in _MARK_WORDS):
        return False, False  # cheap: the words are nowhere in the page
    found = [False, False]
    # Both marks sit in the footer on most pages: look at the last elements first (last
    # child first, a budget of _FOOTER_FIRST elements), then, when one is still missing,
    # at every element in document order. The answer is an "any" over all elements, so the
    # order changes only how soon it is known (0.5 → 0.2 ms a page on the shared real pages).
    stack = [doc.root]
    for _ in range(_FOOTER_FIRST):
        if not stack:
            return found[0], found[1]
        el = stack.pop()
        if el.tag in _MARK_TAG_SET and _mark_element(el, found):
            return True, True
        stack.extend(el)
    for el in doc.root.iter(*_MARK_TAGS):
        if _mark_element(el, found):
            return True, True
    return found[0], found[1]


_FOOTER_FIRST = 200
_MARK_TAG_SET = frozenset(_MARK_TAGS)


def _mark_element(el, found: list[bool]) -> bool:
    """Note in ``found`` the marks ``el``'s attributes carry; whether both are known now."""
    # most elements carry none of the words: one regex over all their attribute values
    # skips them (a fifth faster than testing each attribute)
    values = el.values()
    if not values or _MARK_RE.search("\x00".join(values)) is None:
        return False
    for name, value in el.items():
        if name in _ATTRS and any(w in value for w in _MARK_WORDS):
            found[0] = found[0] or any(w in value for w in _CONAC_WORDS)
            found[1] = found[1] or any(w in value for w in _ZHAOCUO_WORDS)
    return found[0] and found[1]


def _sponsor(text: str) -> str | None:
    for m in SPONSOR_RE.finditer(text):
        value = SPONSOR_STOP.split(m.group(1))[0].strip("（(·")
        if len(value) >= 2:
            return value
    m = SPONSOR_BEFORE_RE.search(text)
    if m:
        value = re.split(r"[：:，,。\s]", m.group(1))[-1]
        value = re.sub(r"^(?:版权所有|网站|本网|本站|由)", "", value)
        if len(value) >= 4:
            return value
    return None


def footer_region(text: str, main_text: str = "") -> str:
    """The text where the site's identity lines are looked for: what follows the main
    content (a 主办 or 电话 in an article's body is not the site's), else the page's last
    4,000 characters. When nothing after the main content looks like a footer and the tail
    does (the main element swallowed it), the tail."""
    tail = text[-4000:] if len(text) > 4000 else text
    if len(main_text) > 200:
        key = main_text[-60:]
        pos = text.rfind(key)
        if pos >= 0:
            after = text[pos + len(key):]
            if FOOTER_MARK.search(after) or not FOOTER_MARK.search(tail):
                return after[-4000:]
    return tail


def _comments(source: str, limit: int = 200):
    """The bodies of the first ``limit`` HTML comments (a linear scan)."""
    pos = 0
    for _ in range(limit):
        start = source.find("<!--", pos)
        if start < 0:
            return
        end = source.find("-->", start + 4)
        if end < 0:
            return
        yield source[start + 4:end]
        pos = end + 3


def footer_only_in_comments(doc: Doc) -> bool:
    """The identity lines (ICP, 标识码, 版权所有 …) exist only inside HTML comments."""
    return any(_COMMENT_MARK.search(body) for body in _comments(doc.source))


def extract_footer(doc: Doc, main_text: str = "") -> Footer:
    # The identity block sits at the bottom; search the last part of the visible text, where
    # the 标识码 or ICP text lives, but fall back to the whole page for short pages.
    text = doc.text
    tail = text[-4000:] if len(text) > 4000 else text
    region = footer_region(text, main_text)
    site_id = SITE_ID_RE.search(tail) or SITE_ID_RE.search(text)
    icp = ICP_RE.search(tail) or ICP_RE.search(text)
    psb = PSB_RE.search(tail) or PSB_RE.search(text) or PSB_ALT_RE.search(tail)
    root = doc.root
    # XPath runs in C; the attributes that carry the logo and the 找错 entry.
    dzjg, zhaocuo = _marks(doc)
    scripts = " ".join(doc.script_srcs) + " " + " ".join(s for s in doc.scripts if len(s) < 20000)
    # script-only entries count; a function that merely opens a 纠错 window does not
    if not dzjg and re.search(r"conac\.cn", scripts):
        dzjg = True
    if not zhaocuo and re.search(r"jiucuo\.js|zhaocuo\.js|exposure/jiucuo|_jiucuo_", scripts, re.I):
        zhaocuo = True
    if not zhaocuo and re.search(r"我为政府网站找错|政府网站找错", tail):
        zhaocuo = True
    sponsor = _sponsor(region)
    commented = False
    if not (site_id or icp or psb or sponsor or FOOTER_MARK.search(tail)):
        commented = footer_only_in_comments(doc)
    return Footer(
        dzjg=dzjg,
        site_id_code=site_id.group(1) if site_id else None,
        icp=clean(icp.group(0)) if icp else None,
        psb=clean(psb.group(0)) if psb else None,
        sponsor=sponsor,
        # a link's text is part of doc.text: no 联系我们 there, no such link (skips the XPath)
        contact=bool(CONTACT_RE.search(region))
        or ("联系我们" in text and bool(root.xpath("//a[contains(., '联系我们')]"))),
        zhaocuo=zhaocuo,
        only_in_comments=commented,
    )
