"""办事服务 rules (pure): 办事指南 lacking key element categories (W-V6 (b)/(c)), and the
W-D13 deductions on a sample of guides (missing elements, unclear or vague 办理材料, a 设定依据
naming documents without their content).

A guide's elements are labels in its table or list ("事项名称 | …", "申请条件：…"). Extraction
keeps no per-label structure, so while a round's pages stream past, ``guide_elements`` reads
the labels from the page's lines and stores them as a page note (``SiteInput.notes``); the site
check then judges all of a site's guides together, which W-V6 (c) needs.
"""

from __future__ import annotations

import re

from govinspect.core.types import Confidence, Evidence, Finding, Span
from govinspect.extract import PageFacts
from govinspect.extract.dom import parse
from govinspect.rules.base import PageNote, Rule, Scope, register
from govinspect.rules.site_policy import indicator, sample

NOTE = "guide_elements"  # key of the page note in SiteInput.notes
TEXT_NOTE = "guide_text"  # the W-D13 note: 办理材料 and 设定依据 texts

# The 10 key element categories (INDICATORS.md W-V6 / W-D13) and the labels guides use for them.
GUIDE_ELEMENTS = {
    "事项名称": r"事项名称|项目名称|服务事项|事项全称|办理事项",
    "设定依据": r"设定依据|法律依据|办理依据|实施依据|法定依据|政策依据|受理依据",
    "申请条件": r"申请条件|受理条件|办理条件|申办条件|准予条件|受理标准",
    "办理材料": r"办理材料|申请材料|申报材料|所需材料|提交材料|材料目录|申请资料|所需资料",
    "办理地点": r"办理地点|受理地点|办理地址|受理地址|窗口地址|办公地点|办理窗口|受理窗口",
    "办理机构": r"办理机构|受理机构|实施机构|实施主体|办理部门|受理部门|承办机构|受理单位|办理单位",
    "收费标准": r"收费标准|收费依据|是否收费|收费情况|收费项目",
    "办理时间": r"办理时间|受理时间|办公时间|工作时间|办理时限|承诺时限|法定时限|承诺期限",
    "联系电话": r"联系电话|咨询电话|咨询方式|联系方式|监督电话|投诉电话",
    "办理流程": r"办理流程|办事流程|办理程序|受理程序|流程图|办理步骤",
}
# A label opens its line or cell ("一、", "1.", "【" may precede it) and is followed by a
# separator; a cue in running text ("请携带申请材料前往…") is not a label.
_LABEL = {name: re.compile(rf"^[\s（(【\[]*(?:[一二三四五六七八九十\d]+[、.．)）]\s*)?(?:{cues})"
                           r"\s*(?:[:：\t】\]）)]|$)")
          for name, cues in GUIDE_ELEMENTS.items()}
_GUIDE_NAME = re.compile(r"办事指南|服务指南|办理指南")
_FOOTER_LINE = re.compile(r"主办单位|版权所有|网站标识码|ICP备|公网安备|Copyright", re.I)
MIN_LABELS = 3  # fewer labels found: not a guide page of this shape (index, attachment only)


def _names_guide(facts: PageFacts) -> bool:
    names = [facts.title or "", facts.html_title or "", facts.column_name or "",
             *facts.breadcrumb]
    text = " ".join(names)
    return bool(_GUIDE_NAME.search(text)) and "信息公开指南" not in text


def _guide_cells(page, facts: PageFacts) -> list[str] | None:
    """The text cells of a 办事指南 page above its footer; None when the page is not one."""
    if facts.page_type in ("error", "home", "search") or len(facts.list_items) >= 3:
        return None
    if not _names_guide(facts):
        return None
    try:
        html = page.body.decode(facts.encoding.detected or "utf-8", errors="replace")
    except LookupError:
        html = page.body.decode("utf-8", errors="replace")
    lines = parse(html, page.capture.url).lines
    for i, line in enumerate(lines):
        if _FOOTER_LINE.search(line):  # the footer's 联系电话 is not the guide's
            lines = lines[:i]
            break
    return [c.strip() for line in lines for c in line.split("\t") if c.strip()]


def _found(cells: list[str]) -> dict[str, bool] | None:
    found = {name: any(rx.search(c) for c in cells) for name, rx in _LABEL.items()}
    return found if sum(found.values()) >= MIN_LABELS else None


def guide_elements(site, page, facts: PageFacts) -> dict[str, bool] | None:
    """Which of the 10 element categories a 办事指南 page labels; None when the page is not
    one (page note for ``SiteInput.notes[NOTE]``)."""
    cells = _guide_cells(page, facts)
    return None if cells is None else _found(cells)


def _value(cells: list[str], name: str) -> str:
    """The text of one element: after its label in the same cell, and the cells that follow
    up to the next element label (a list of materials spans several lines)."""
    rx = _LABEL[name]
    for i, cell in enumerate(cells):
        m = rx.search(cell)
        if not m:
            continue
        parts = [cell[m.end():].strip(" ：:\t】]）)")]
        for nxt in cells[i + 1:i + 1 + VALUE_CELLS]:
            if any(r.search(nxt) for r in _LABEL.values()):
                break
            parts.append(nxt)
        return "\n".join(p for p in parts if p)
    return ""


def guide_text(site, page, facts: PageFacts) -> dict | None:
    """Page note for W-D13: the title, the 办理材料 and 设定依据 texts and the link texts of a
    办事指南 page (``SiteInput.notes[TEXT_NOTE]``); None when the page is not one."""
    cells = _guide_cells(page, facts)
    if cells is None or _found(cells) is None:
        return None
    return {"title": facts.title or "", "materials": _value(cells, "办理材料"),
            "basis": _value(cells, "设定依据"),
            "links": [link.text for link in facts.links if "《" in link.text or "办法" in link.text
                      or "条例" in link.text or "规定" in link.text]}


# --- W-D13: wording of the sampled guides ------------------------------------------------

# One material per numbered item or per "；" (1.申请表（原件1份）；2.身份证复印件1份)
_NUMBERING = r"[（(]?(?:\d{1,2}|[一二三四五六七八九十]+)[、.．)）](?!\d)"
_MATERIAL_SPLIT = re.compile(rf"[；;\n]|(?<![\d.（(])(?={_NUMBERING})")
# How a material is to be handed in: 原件/复印件, 纸质/电子, 份数
_FORMAT_CUE = re.compile(r"原件|复印件|影印件|扫描件|正本|副本|纸质|电子|(?<!\d)\d+\s*[份张套本]|[一二两三四五]\s*[份张套本]")
# "根据有关法律法规规定应提交的其他材料", "其他相关材料", "有关部门要求的其他材料"
_VAGUE = re.compile(r"(?:其他|其它|相关|有关)(?:相关|有关)?(?:材料|资料|证明材料|证件)"
                    r"|法律[、]?法规[^。；;\n]{0,10}规定[^。；;\n]{0,10}(?:材料|资料)")
_NOT_VAGUE = re.compile(r"无需|无须|不需|不再|免于|免予|不得要求")
_CITED = re.compile(r"《[^》]{2,60}》")
_ARTICLE_NO = re.compile(r"第\s*[一二三四五六七八九十百零\d]+\s*[条款项]")
CONTENT_MIN = 10  # characters of a 设定依据 beside the documents' names that count as content
VALUE_CELLS = 12  # cells after a label read as its value


def _materials(text: str) -> list[str]:
    """The materials of a 办理材料 text, one per numbered item or "；", without numbering."""
    parts = (re.sub(rf"^\s*{_NUMBERING}\s*", "", p).strip(" 。，,")
             for p in _MATERIAL_SPLIT.split(text or ""))
    return [p for p in parts if len(p) > 1]


def vague_materials(text: str) -> list[str]:
    """The materials a guide names only vaguely ("根据有关法律法规规定应提交的其他材料")."""
    return [m for m in _materials(text) if _VAGUE.search(m) and not _NOT_VAGUE.search(m)]


def unclear_materials(text: str) -> list[str]:
    """The materials whose form (原件/复印件, 纸质/电子, 份数) the guide does not state; vague
    ones are counted as vague, not here."""
    return [m for m in _materials(text)
            if not _FORMAT_CUE.search(m) and not _VAGUE.search(m) and not _NOT_VAGUE.search(m)]


def cited_without_content(basis: str, links: list[str] = ()) -> list[str]:
    """The documents a 设定依据 names without their content: no article (第X条), no quoted
    text beside the names and no link to the document."""
    cited = _CITED.findall(basis or "")
    if not cited or _ARTICLE_NO.search(basis):
        return []
    rest = re.sub(r"[\s、，,。；;：:和及与等]", "", _CITED.sub("", basis))
    if len(rest) >= CONTENT_MIN:
        return []
    return [c for c in cited if not any(c.strip("《》") in t for t in links)]


def _problems(note: dict) -> list[tuple[str, str, str]]:
    """(item, text, message) of one guide's wording problems."""
    out = []
    vague = vague_materials(note.get("materials", ""))
    if vague:
        out.append(("vague_wording", vague[0],
                     f"办事指南办理材料表述模糊：{'；'.join(f'“{m}”' for m in vague[:3])}"))
    unclear = unclear_materials(note.get("materials", ""))
    if unclear:
        out.append(("material_format_unclear", unclear[0],
                    f"办事指南办理材料未写明原件/复印件、纸质/电子或份数：{'；'.join(unclear[:3])}"))
    cited = cited_without_content(note.get("basis", ""), note.get("links") or [])
    if cited:
        out.append(("cited_without_content", cited[0],
                    f"办事指南设定依据只列出文件名称、未列明具体内容：{'、'.join(cited[:3])}"))
    return out


def guide_quality(data, ctx) -> list[Finding]:
    """W-D13 on a deterministic sample of a site's guides (``sample``, 5; the round's name and
    the site code seed it): each missing element category, materials of unclear form, vague
    materials, a 设定依据 naming documents only. Guides outside the sample are listed with the
    item ``outside_sample`` (no points)."""
    elements: dict[str, dict[str, bool]] = data.notes.get(NOTE, {})
    texts: dict[str, dict] = data.notes.get(TEXT_NOTE, {})
    urls = sorted(set(elements) | set(texts))
    if not urls:
        return []
    conf = indicator(ctx, "W-D13")
    picked = sample(ctx, data.site.code, "W-D13", urls, int(conf.get("sample", 5)))
    code = data.site.code
    out = []
    for url in urls:
        in_sample = url in picked
        note = texts.get(url) or {}
        title = note.get("title", "")
        details = {"sample": picked, "sampled": in_sample, "guide": title}
        tail = "" if in_sample else "（抽查范围外，不扣分）"
        missing = [n for n, ok in (elements.get(url) or {}).items() if not ok]
        context = f"缺少要素：{'、'.join(missing)}"
        for name in missing if in_sample else missing[:1]:
            start = context.index(name)
            out.append(Finding(
                rule_id=GUIDE_QUALITY.id, indicator_id="W-D13", subject=code,
                message=(f"办事指南缺少“{name}”要素：{title}" if in_sample
                         else f"办事指南缺少{len(missing)}类要素（{'、'.join(missing)}）：{title}")
                + tail,
                evidence=Evidence(url=url, context=context, span=Span(start, start + len(name))),
                confidence=Confidence.SUSPECTED,
                item="missing_element" if in_sample else "outside_sample",
                details={**details, "missing": missing, "text": name}))
        for item, text, message in _problems(note):
            out.append(Finding(
                rule_id=GUIDE_QUALITY.id, indicator_id="W-D13", subject=code,
                message=message + tail,
                evidence=Evidence(url=url, context=text, span=Span(0, len(text))),
                confidence=Confidence.SUSPECTED, item=item if in_sample else "outside_sample",
                details={**details, "problem": item, "text": text}))
    return out


def incomplete_guides(data, ctx) -> list[Finding]:
    """W-V6: every 办事指南 lacking ≥ 4 element categories; the set's threshold (5) makes the
    veto; with fewer guides than that, the item is ``all_incomplete`` when all of them lack."""
    guides: dict[str, dict[str, bool]] = data.notes.get(NOTE, {})
    if not guides:
        return []
    items = indicator(ctx, "W-V6").get("items") or {}
    threshold = int((items.get("incomplete_guides") or {}).get("threshold", 5))
    limit = int(indicator(ctx, "W-V6").get("missing_at_least", 4))
    lacking = {url: [n for n, ok in found.items() if not ok] for url, found in guides.items()}
    bad = {url: miss for url, miss in sorted(lacking.items()) if len(miss) >= limit}
    if not bad:
        return []
    item = ("all_incomplete" if len(guides) < threshold and len(bad) == len(guides)
            and "all_incomplete" in items else "incomplete_guides")
    return [Finding(
        rule_id=GUIDE_ELEMENTS_RULE.id, indicator_id="W-V6", subject=data.site.code,
        message=f"办事指南缺少{len(miss)}类要素：{'、'.join(miss)}",
        evidence=Evidence(url=url), confidence=Confidence.SUSPECTED, item=item,
        details={"missing": miss, "guides_checked": len(guides), "guides_incomplete": len(bad)})
        for url, miss in bad.items()]


GUIDE_ELEMENTS_RULE = register(Rule(
    id="GI-G001",
    title="办事指南要素缺失4类以上",
    indicators=("W-V6",),
    what="在标题、栏目或面包屑含“办事指南/服务指南”（不含“信息公开指南”）的页面上，按表格单元格或"
    "行首标签查找10类要素：事项名称、设定依据、申请条件、办理材料、办理地点、办理机构、收费标准、"
    "办理时间、联系电话、办理流程（每类有多种常见说法，如“申请材料”“受理地点”“实施主体”）；"
    "页面底部的联系电话不算。缺少4类以上的指南逐个报出（疑似）。报出达到5个触发单项否决"
    "（incomplete_guides）；网站的指南不足5个且全部缺少4类以上时记为 all_incomplete。"
    "找到的标签少于3类的页面（目录页、只有附件的指南）不判断。",
    why="办事指南要素不全，群众无法据此办事，是“服务不实用”单项否决的情形之一。",
    example="<table><tr><th>事项名称</th><td>林长制证明开具</td></tr><tr><th>申请条件</th>…"
    "<tr><th>联系电话</th>…<tr><th>办理流程</th>…</table>（缺设定依据、办理材料、办理机构、办理时间）",
    fix="按政务服务事项标准化要求补全办事指南10类要素，并与政务服务平台保持一致。",
    basis="W-V6 服务不实用（国办秘函〔2019〕19号 单项否决指标）；要素清单同 W-D13。",
    check=incomplete_guides,
    scope=Scope.SITE, emits=(("W-V6", "incomplete_guides"), ("W-V6", "all_incomplete")),
    needs=(PageNote(NOTE, guide_elements),),
))

GUIDE_QUALITY = register(Rule(
    id="GI-G002",
    title="办事指南要素不全或表述不清",
    indicators=("W-D13",),
    what="按轮次名和网站标识码确定地抽取5个办事指南（抽样结果记在 details.sample，数量取自指标体系"
    " W-D13.sample），每个指南：缺少10类要素中的一类报一条（missing_element）；办理材料中有未写明"
    "原件/复印件、纸质/电子或份数的材料（material_format_unclear）；办理材料中有"
    "“根据有关法律法规规定应提交的其他材料”“其他相关材料”等模糊表述（vague_wording，"
    "“无需提供其他材料”不算）；设定依据只列出《…》文件名称、既无条款（第X条）也无具体内容或链接"
    "（cited_without_content）；后三项每个指南各报一条。抽查范围外的指南同样列出（outside_sample，"
    "不扣分）。结果为疑似。",
    why="办事指南要素不全、材料表述含糊，群众无法一次备齐材料，检查指标按项扣分（上限8分）。",
    example="<tr><th>办理材料</th><td>1.申请表（原件1份）；2.根据有关法律法规规定应提交的其他材料。"
    "</td></tr><tr><th>设定依据</th><td>《中华人民共和国行政许可法》</td></tr>",
    fix="逐项列明办理材料的名称、原件或复印件、纸质或电子、份数，删除兜底性模糊表述；设定依据写明"
    "条款内容或链接到原文；补全缺少的要素。",
    basis="W-D13 办事指南（国办秘函〔2019〕19号 扣分指标 办事服务）。",
    check=guide_quality,
    scope=Scope.SITE, emits=(("W-D13", "missing_element"), ("W-D13", "outside_sample"), ("W-D13", "vague_wording"), ("W-D13", "material_format_unclear"), ("W-D13", "cited_without_content")),
    needs=(PageNote(NOTE, guide_elements), PageNote(TEXT_NOTE, guide_text)),
))

