"""政务公开 rules: the 政府信息公开指南 fields (P3) and the annual report deadline (P5)."""

from __future__ import annotations

import datetime as dt
import re

from govinspect.core.types import Confidence, Evidence, Finding
from govinspect.extract import PageFacts
from govinspect.rules.base import Rule, register
from govinspect.rules.site_policy import indicator, parse_day, ref_date

# --- P3 政府信息公开指南 ------------------------------------------------------------------------

# Cue words per field. Guides word them many ways (平潭: "咨询时间", "通信地址", "电子邮箱：…＠…").
GUIDE_CUES = {
    "名称": r"名\s*称|受理机构|工作机构|受理窗口|办公室名称",
    "办公地址": r"办公地址|通信地址|通讯地址|联系地址|地\s*址\s*[:：]",
    "办公时间": r"办公时间|工作时间|受理时间|咨询时间|接待时间",
    "联系电话": r"联系电话|咨询电话|办公电话|受理电话|电\s*话\s*[:：]",
    "传真号码": r"传\s*真",
    "互联网联系方式": r"互联网联系方式|电子邮箱|电子信箱|邮\s*箱|e-?mail|[@＠]|网\s*址|https?://|www\.",
}
_GUIDE_CUES = {k: re.compile(v, re.I) for k, v in GUIDE_CUES.items()}


def is_guide_page(f: PageFacts) -> bool:
    named = f.column_category == "信息公开指南" or "信息公开指南" in (f.title or "")
    return named and f.page_type in ("guide", "article", "policy") and len(f.list_items) < 3


def guide_fields(text: str) -> dict[str, bool]:
    """Which 工作机构 fields a guide's text states."""
    return {name: bool(cue.search(text)) for name, cue in _GUIDE_CUES.items()}


def check_guide(site, page, facts: PageFacts, ctx) -> list[Finding]:
    """P3 (page check: needs the page text): a 信息公开指南 lacking 工作机构 fields."""
    if not is_guide_page(facts) or not facts.main_text:
        return []
    wanted = indicator(ctx, "P3").get("fields") or list(GUIDE_CUES)
    present = guide_fields(facts.main_text)
    missing = [name for name in wanted if not present.get(name, True)]
    if not missing:
        return []
    return [Finding(
        rule_id=GUIDE_FIELDS.id, indicator_id="P3", subject=site.code,
        message=f"政府信息公开指南缺少工作机构的{'、'.join(missing)}",
        evidence=Evidence(url=facts.url, context=facts.title or ""),
        confidence=Confidence.SUSPECTED, item="missing_field",
        details={"missing": missing, "fields": present})]


GUIDE_FIELDS = register(Rule(
    id="GI-O001",
    title="政府信息公开指南要素不全",
    indicators=("P3",),
    what="在政府信息公开指南页面正文中查找政府信息公开工作机构的名称、办公地址、办公时间、"
    "联系电话、传真号码、互联网联系方式（字段清单取自指标体系 P3.fields，每个字段有多种常见"
    "说法，如“通信地址”“咨询时间”“电子邮箱”），缺少的字段逐一列出。结果为疑似。",
    why="《政府信息公开条例》第十二条要求公开指南载明工作机构的名称、办公地址、办公时间、"
    "联系电话、传真号码、互联网联系方式等，缺少这些信息公众无法提出申请。",
    example="<p>受理机构：某某乡人民政府信息公开领导小组办公室</p><p>网址：www.example.gov.cn</p>"
    "（没有办公地址、办公时间、联系电话、传真号码）",
    fix="按条例第十二条补全工作机构信息并及时更新指南。",
    basis="P3 政府信息公开指南（《中华人民共和国政府信息公开条例》第十二条）。",
    check=check_guide,
))


# --- P5 政府信息公开工作年度报告 -------------------------------------------------------------------


def _report_re(year: int) -> re.Pattern:
    return re.compile(rf"{year}\s*年(?:度)?[^\n]{{0,40}}?信息公开[^\n]{{0,20}}?报告")


def annual_report(site_input, ctx) -> list[Finding]:
    """P5: last year's 政府信息公开工作年度报告 not published by the deadline of the site's
    kind (部门 1月31日, 门户 3月31日; data in the indicator set). Judged only after the deadline."""
    t = ref_date(ctx)
    year = t.year - 1
    deadlines = indicator(ctx, "P5").get("deadlines") or {"门户": "03-31", "部门": "01-31"}
    mmdd = deadlines.get(site_input.site.kind.value) or deadlines.get("部门", "01-31")
    try:
        month, day = (int(x) for x in str(mmdd).split("-"))
        deadline = dt.date(t.year, month, day)
    except ValueError:
        return []
    if t <= deadline:
        return []
    pattern = _report_re(year)
    column = [f for f in site_input.pages if f.column_category == "年度报告"]
    found: list[tuple[str, dt.date | None]] = []
    for f in site_input.pages:
        for it in f.list_items:
            if pattern.search(it.title):
                found.append((it.url, parse_day(it.date)))
        if f.title and pattern.search(f.title) and len(f.list_items) < 3:
            found.append((f.url, parse_day(f.pub_date)))
    code = site_input.site.code
    if not found:
        lists = [f.url for f in column if f.page_type != "article" or f.list_items]
        where = min(lists or [f.url for f in column] or [site_input.site.homepage],
                    key=lambda u: (len(u), u))
        note = "" if column else "（未找到年度报告栏目）"
        return [Finding(
            rule_id=ANNUAL_REPORT.id, indicator_id="P5", subject=code,
            message=f"未发布{year}年政府信息公开工作年度报告（应于{deadline.month}月{deadline.day}日前发布）"
            + note,
            evidence=Evidence(url=where), confidence=Confidence.SUSPECTED, item="missing",
            details={"year": year, "deadline": deadline.isoformat(), "column_found": bool(column)})]
    dated = [d for _u, d in found if d is not None]
    if dated and min(dated) > deadline:
        url = next(u for u, d in found if d == min(dated))
        return [Finding(
            rule_id=ANNUAL_REPORT.id, indicator_id="P5", subject=code,
            message=f"{year}年政府信息公开工作年度报告于{min(dated).isoformat()}发布，"
            f"超过{deadline.month}月{deadline.day}日的期限",
            evidence=Evidence(url=url), item="late",
            details={"year": year, "deadline": deadline.isoformat(),
                     "published": min(dated).isoformat()})]
    return []


ANNUAL_REPORT = register(Rule(
    id="GI-O002",
    title="政府信息公开工作年度报告未按时发布",
    indicators=("P5",),
    what="检查时间点已过法定期限（部门1月31日、政府3月31日，按网站类型取自指标体系 P5.deadlines）"
    "时，在网站的列表和页面标题中查找上一年度的政府信息公开工作年度报告：找不到报“未发布”"
    "（疑似，可能是抓取未覆盖），发布日期晚于期限报“逾期发布”。",
    why="《政府信息公开条例》第四十九、五十条规定了年度报告的公布期限，未按时公布是政务公开"
    "检查的常见问题。",
    example="政府信息公开年度报告栏目中最新为“2020年政府信息公开工作年度报告”，检查时间为2022年6月。",
    fix="按国办规定的格式编制并发布上一年度报告，今后在法定期限前发布。",
    basis="P5 年度报告（《中华人民共和国政府信息公开条例》第四十九、五十条）。",
    check=annual_report,
))


SITE_RULES = (ANNUAL_REPORT,)
PAGE_RULES = (GUIDE_FIELDS,)
SITE_CHECKS = [annual_report]
PAGE_CHECKS = [check_guide]
