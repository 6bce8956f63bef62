"""办事服务 rules (pure): 办事指南 lacking key element categories (W-V6 (b)/(c)).

A guide's elements are labels in its table or list ("事项名称 | …", "申请条件：…"). Extraction
keeps no per-label structure, so while a round's pages stream past, ``guide_elements`` reads
the labels from the page's lines and stores them as a page note (``SiteInput.notes``); the site
check then judges all of a site's guides together, which W-V6 (c) needs.
"""

from __future__ import annotations

import re

from govinspect.core.types import Confidence, Evidence, Finding
from govinspect.extract import PageFacts
from govinspect.extract.dom import parse
from govinspect.rules.base import Rule, register
from govinspect.rules.site_policy import indicator

NOTE = "guide_elements"  # key of the page note in SiteInput.notes

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


def guide_elements(site, page, facts: PageFacts) -> dict[str, bool] | None:
    """Which of the 10 element categories a 办事指南 page labels; None when the page is not
    one (page note for ``SiteInput.notes[NOTE]``)."""
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
    cells = [c.strip() for line in lines for c in line.split("\t") if c.strip()]
    found = {name: any(rx.search(c) for c in cells) for name, rx in _LABEL.items()}
    if sum(found.values()) < MIN_LABELS:
        return None
    return found


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
))

SITE_CHECKS = [incomplete_guides]
PAGE_NOTES = [(NOTE, guide_elements)]
