"""Footer identity (W-D21, W-D23): 党政机关网站标识, 网站标识码, ICP备案号, 公安机关备案号,
主办单位, 联系方式 and the 我为政府网站找错 entry."""

from __future__ import annotations

import re

from govinspect.extract.dom import Doc, clean
from govinspect.extract.facts import Footer

SITE_ID_RE = re.compile(r"(?:网站标识码|标识码)\s*[:：]?\s*((?:bm)?\d{8,10})", re.I)
ICP_RE = re.compile(r"[\u4e00-\u9fff]\s*ICP\s*备\s*[\d\s]{4,14}号(?:\s*-\s*\d{1,3})?", re.I)
PSB_RE = re.compile(r"[\u4e00-\u9fff]\s*公\s*网\s*安\s*备\s*[\d\s]{6,20}号?")
PSB_ALT_RE = re.compile(r"公安(?:机关)?备案(?:号|编号)?\s*[:：]\s*[\d\-]{6,24}")
SPONSOR_RE = re.compile(r"(?:主办单位|主办方|网站主办|主\s*办)\s*[:：]?\s*([\u4e00-\u9fff（）()·]{2,40})")
SPONSOR_STOP = re.compile(r"(承办|协办|技术支持|运行维护|维护|联系|地址|电话|邮编|网站标识码|ICP|备案|版权|Copyright)")
CONTACT_RE = re.compile(r"联系我们|联系方式|联系电话|联系邮箱|电子邮箱|咨询电话|服务热线|联系地址|及时咨询")
ZHAOCUO_RE = re.compile(r"我为政府网站找错|政府网站找错|jiucuo|zhaocuo|我要纠错|网站纠错|找错", re.I)
_ATTRS = ("href", "src", "id", "title", "alt", "class")


def _xpath_any(words: tuple[str, ...]) -> str:
    tests = " or ".join(f"contains(@{a},'{w}')" for a in _ATTRS for w in words)
    return f"//*[self::a or self::img or self::span or self::div or self::iframe][{tests}]"


_CONAC_XPATH = _xpath_any(("conac", "Conac", "党政机关"))
_ZHAOCUO_XPATH = _xpath_any(("jiucuo", "JiuCuo", "zhaocuo", "找错", "纠错"))


def _sponsor(text: str) -> str | None:
    for m in SPONSOR_RE.finditer(text):
        value = SPONSOR_STOP.split(m.group(1))[0].strip("（(·")
        if len(value) >= 2:
            return value
    return None


def extract_footer(doc: Doc) -> Footer:
    # The identity block sits at the bottom; search the last part of the visible text, where
    # the 标识码 or ICP text lives, but fall back to the whole page for short pages.
    text = doc.text
    tail = text[-4000:] if len(text) > 4000 else text
    site_id = SITE_ID_RE.search(tail) or SITE_ID_RE.search(text)
    icp = ICP_RE.search(tail) or ICP_RE.search(text)
    psb = PSB_RE.search(tail) or PSB_RE.search(text) or PSB_ALT_RE.search(tail)
    root = doc.root
    # XPath runs in C; the attributes that carry the logo and the 找错 entry.
    dzjg = bool(root.xpath(_CONAC_XPATH))
    zhaocuo = bool(root.xpath(_ZHAOCUO_XPATH))
    scripts = " ".join(doc.script_srcs) + " " + " ".join(s for s in doc.scripts if len(s) < 20000)
    # script-only entries count; a function that merely opens a 纠错 window does not
    if not dzjg and re.search(r"conac\.cn", scripts):
        dzjg = True
    if not zhaocuo and re.search(r"jiucuo\.js|zhaocuo\.js|exposure/jiucuo|_jiucuo_", scripts, re.I):
        zhaocuo = True
    if not zhaocuo and re.search(r"我为政府网站找错|政府网站找错", tail):
        zhaocuo = True
    return Footer(
        dzjg=dzjg,
        site_id_code=site_id.group(1) if site_id else None,
        icp=clean(icp.group(0)) if icp else None,
        psb=clean(psb.group(0)) if psb else None,
        sponsor=_sponsor(tail),
        contact=bool(CONTACT_RE.search(tail)) or bool(root.xpath("//a[contains(., '联系我们')]")),
        zhaocuo=zhaocuo,
    )
