"""政务公开 rules: the 法定主动公开内容 columns of a government portal (P1), the 政府信息公开指南
fields (P3) and the annual report deadline (P5)."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlsplit

from govinspect.core.types import Confidence, Evidence, Finding, Span
from govinspect.extract import PageFacts
from govinspect.extract.site_tree import column_key as _column_key
from govinspect.rules.base import Rule, Scope, register
from govinspect.rules.site_columns import (
    MIN_PAGES_FOR_ABSENCE,
    _window_words,
    window_start,
)
from govinspect.rules.site_policy import indicator, parse_day, ref_date

# --- P1 法定主动公开内容 (条例 第20条) ----------------------------------------------------------

# pages whose links are no navigation to columns (a document's related links are documents)
_DETAIL_TYPES = frozenset({"article", "policy", "message_detail", "guide", "error", "search"})
NAV_TEXT_MAX = 12  # a link text longer than this is a document title, not a column name
_UNIT_NAME = re.compile(r"(?:局|委|委员会|办|办公室|中心|政府|院|所|站|网|网站|馆|会|厅|部|处|公司)$")


def _category_names(conf: dict) -> dict[str, tuple[list[str], dict | None]]:
    """category → (names that count, freshness window or None), from the set's P1.categories
    (a list of names, or {names: [...], window: {...}})."""
    out = {}
    for category, spec in (conf.get("categories") or {}).items():
        if isinstance(spec, dict):
            out[str(category)] = ([str(n) for n in spec.get("names") or [category]],
                                  spec.get("window"))
        else:
            out[str(category)] = ([str(n) for n in spec or [category]], None)
    return out


def column_names(data, tree=None) -> set[str]:
    """Every column name the site shows: the column tree, pages' ColumnName and breadcrumbs, and
    the short link texts on its column and channel pages (the 信息公开 navigation, often the
    only trace of a column the crawl did not enter or that lives on another platform)."""
    hosts = {h.lower() for h in data.site.hosts} or {
        (urlsplit(data.site.homepage).hostname or "").lower()}
    tree = data.column_tree() if tree is None else tree
    names = {c.name for c in tree if c.name}
    for p in data.pages:
        if p.page_type == "error":
            continue
        names.update(n for n in (p.column_name, *p.breadcrumb) if n)
        if p.page_type in _DETAIL_TYPES:
            continue
        items = {it.url for it in p.list_items}
        for link in p.links:
            text = link.text.strip()
            if not 1 < len(text) <= NAV_TEXT_MAX or link.url in items:
                continue
            # a column may sit on a platform of its own (政府采购 → zfcg.pingtan.gov.cn); a
            # link elsewhere named like a unit or a site (部门网站, 友情链接) is no column
            own = (urlsplit(link.url).hostname or "").lower() in hosts
            if own or not _UNIT_NAME.search(text):
                names.add(text)
    return names


def _disclosure_url(data) -> str:
    """The 政府信息公开 channel (the shortest column address of the 信息公开 category), else the
    homepage: where a missing column is reported."""
    urls = [p.url for p in data.pages if p.column_category == "信息公开"
            and p.page_type not in _DETAIL_TYPES and _column_key(p.url)]
    return min(urls, key=lambda u: (len(u), u)) if urls else data.site.homepage


def mandatory_columns(data, ctx) -> list[Finding]:
    """P1: a category of 法定主动公开内容 that no column name of a government portal names; with a
    window (local checklist), also a category whose newest dated item is older than it."""
    iset = ctx.indicator_set
    if "P1" not in iset.indicators or not iset.applies("P1", data.site.kind.value):
        return []
    if len([p for p in data.pages if p.page_type != "error"]) < MIN_PAGES_FOR_ABSENCE:
        return []  # the crawl did not see the site: absence proves nothing
    categories = _category_names(indicator(ctx, "P1"))
    tree = data.column_tree()
    names = sorted(column_names(data, tree))
    where = _disclosure_url(data)
    code = data.site.code
    out = []
    for category, (cues, window) in categories.items():
        matching = [n for n in names if any(c in n for c in cues)]
        if not matching:
            out.append(Finding(
                rule_id=MANDATORY_COLUMNS.id, indicator_id="P1", subject=code,
                message=f"政府信息公开栏目中未找到法定主动公开内容“{category}”栏目"
                f"（如：{'、'.join(cues[:3])}）",
                # the category is the span: one finding per category at the same address
                evidence=Evidence(url=where, context=category, span=Span(0, len(category))),
                confidence=Confidence.SUSPECTED, item="missing_column",
                details={"category": category, "text": category, "names": cues}))
            continue
        if not window:
            continue
        cols = [c for c in tree
                if c.name and any(cue in c.name for cue in cues) and not c.channel]
        newest = max((c.newest for c in cols if c.newest), default=None)
        if newest is None:
            continue
        if dt.date.fromisoformat(newest) < window_start(ctx.reference_time, window):
            col = max(cols, key=lambda c: (c.newest or "", c.url))
            out.append(Finding(
                rule_id=MANDATORY_COLUMNS.id, indicator_id="P1", subject=code,
                message=f"法定主动公开内容“{category}”栏目“{col.name}”超过"
                f"{_window_words(window)}未更新（最新信息 {newest}）",
                evidence=Evidence(url=col.url, context=category, span=Span(0, len(category))),
                item="stale_column",
                details={"category": category, "text": category, "column": col.url,
                         "latest": newest}))
    return out

def guide_page(page, ctx) -> list[Finding]:
    """GI-O001 on one page (needs the page's main text)."""
    return check_guide(page.site, page, page.facts, ctx)



MANDATORY_COLUMNS = register(Rule(
    id="GI-O003",
    title="法定主动公开内容栏目缺失",
    indicators=("P1",),
    what="仅对政府门户网站：按《政府信息公开条例》第二十条，在网站的栏目名称（栏目页、页面的"
    "栏目标签和面包屑）以及栏目页、频道页上的导航链接文字（不超过12字；指向其他网站、以“局”"
    "“网”“政府”等单位或网站名称结尾的链接不算）中，查找机构职能、规范性文件、"
    "规划计划、统计信息、行政执法、财政预决算、政府采购、重大建设项目、应急管理、公务员招考等"
    "类别（类别和每类的常见栏目名取自指标体系 P1.categories，如“财政预决算”也认“部门预算”"
    "“预决算”），某类一个也找不到即报“栏目缺失”（疑似）。地方检查清单为某类规定了更新周期"
    "（window）时，该类栏目最新信息早于周期也报出。采集页面过少时不判断。",
    why="法定主动公开内容是政务公开检查的必查项，门户网站的政府信息公开专栏缺少相应栏目，"
    "说明该类信息未按条例主动公开。",
    example="政府信息公开专栏下有机构职能、政策文件、规划计划、统计信息、人事信息等栏目，"
    "但没有“财政预决算”或“部门预算”“预决算公开”栏目。",
    fix="按条例第二十条和本地政务公开标准目录，在政府信息公开专栏中设置缺少的栏目并发布相应信息；"
    "确无此类信息的，在栏目中说明。",
    basis="P1 法定主动公开（《中华人民共和国政府信息公开条例》第二十条）。",
    check=mandatory_columns,
    scope=Scope.SITE, emits=(("P1", "missing_column"), ("P1", "stale_column")),
    needs=("pages", "column_tree"),
))

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
    check=guide_page,
    scope=Scope.PAGE, emits=(("P3", "missing_field"),),
    needs=("main_text",),
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
    scope=Scope.SITE, emits=(("P5", "late"), ("P5", "missing")),
    needs=("pages",),
))

PAGE_RULES = (GUIDE_FIELDS,)
