"""Column rules (pure): homepage update (W-V3), column freshness and blank columns (W-V4,
W-D4–W-D6, W-D9), required columns (W-D1–W-D6), 办事统计 (W-D12) and the bonus for 数据发布
(W-B1).

The site's column tree is rebuilt from the page facts of one round: list pages of one column
(``…/index.html`` and its ``index_N.html`` pagination pages, or pages linked as its pagination)
form one column; its name and category come from extraction (meta ColumnName, breadcrumb,
heading; ``extract/data/columns.yaml``). A column whose URL is the prefix of other columns is a
channel (频道) that aggregates them; only its sub-columns are judged.

Every window, threshold and switch is read from the indicator set. Undated items never count
as updates (R8). A column gets at most one deduction finding, with ``details["column"]`` set
to its URL, so the engine can apply R9.
"""

from __future__ import annotations

from datetime import date, datetime

from dateutil.relativedelta import relativedelta

from govinspect.core.types import Confidence, Evidence, Finding, SiteRef
from govinspect.extract import PageFacts
from govinspect.extract.site_tree import (
    ARTICLE_RE,
    INDEX_RE,
    SKIP_TYPES,
    Column,
    column_key,
    is_homepage,
    page_category,
)
from govinspect.rules.base import Rule, Scope, family_check, register

# W-D1–W-D6: the category a site must have, and the indicator that misses it.
REQUIRED = (("概况", "W-D1"), ("机构职能", "W-D2"), ("领导信息", "W-D3"), ("动态要闻", "W-D4"),
            ("政策文件", "W-D5"), ("政策解读", "W-D6"))
# Fewer HTML pages than this: the crawl did not see the site, absence proves nothing.
MIN_PAGES_FOR_ABSENCE = 10
# The column tree is a derivation below the rules (extract/site_tree.py), computed once per
# site (SiteInput.column_tree()); the names this module's rules use:
_column_key, _is_homepage, _category = column_key, is_homepage, page_category
_INDEX_RE, _ARTICLE_RE, _SKIP_TYPES = INDEX_RE, ARTICLE_RE, SKIP_TYPES


# ── helpers ─────────────────────────────────────────────────────────────────────────────

def window_start(t: datetime, window: dict) -> date:
    """The first day inside a calendar window ({days|months|years: N}) before t."""
    delta = relativedelta(days=int(window.get("days", 0)), months=int(window.get("months", 0)),
                          years=int(window.get("years", 0)))
    return (t - delta).date()


def _window_words(window: dict) -> str:
    if "years" in window:
        return f"{window['years']}年"
    if "months" in window:
        return f"{window['months']}个月"
    days = int(window.get("days", 0))
    return f"{days // 7}周" if days and days % 7 == 0 else f"{days}天"


def _finding(rule: Rule, site: SiteRef, indicator: str, item: str, col: Column, message: str,
             **details) -> Finding:
    return Finding(rule_id=rule.id, indicator_id=indicator, subject=site.code, message=message,
                   evidence=Evidence(url=col.url, context=col.name or ""), item=item,
                   details={"column": col.url, "column_name": col.name,
                            "category": col.category, "latest": col.newest,
                            "items": col.items, **details})


def _items(ctx, indicator: str) -> dict:
    return ctx.indicator_set.indicators[indicator].get("items") or {}


# ── column freshness and blank columns ──────────────────────────────────────────────────

def check_columns(data, ctx) -> list[Finding]:
    """Stale and blank columns (W-V4 a/b/c, W-D4, W-D5, W-D6, W-D9); one rule per concern."""
    site: SiteRef = data.site
    iset = ctx.indicator_set
    t = ctx.reference_time
    v4 = _items(ctx, "W-V4")
    key_windows = (v4.get("stale_key_column") or {}).get("windows") or {}
    news_window = iset.indicators["W-D4"].get("window") or key_windows.get("动态要闻")
    notice_window = key_windows.get("通知公告政策文件") or {"months": 6}
    policy_window = iset.indicators["W-D5"].get("window") or notice_window
    interp_window = iset.indicators["W-D6"].get("window") or policy_window
    long_windows = (v4.get("long_stale_column") or {}).get("windows") or {}
    explained_blank = bool((v4.get("blank_column") or {}).get("explained_is_blank", True))

    findings: list[Finding] = []
    for col in data.column_tree():
        if col.channel:
            continue
        name = col.name or col.url
        if col.blank:
            if col.blank == "explained" and not explained_blank:
                continue
            shown = {"empty": "无任何信息", "placeholder": "仅显示“暂无信息”",
                     "explained": "仅有无信息说明"}[col.blank]
            msg = f"栏目“{name}”为空白栏目（{shown}）"
            findings.append(_finding(BLANK, site, "W-V4", "blank_column", col, msg,
                                     blank=col.blank))
            ded = {"动态要闻": "W-D4", "政策文件": "W-D5", "政策解读": "W-D6"}.get(col.category or "")
            findings.append(_finding(BLANK, site, ded or "W-D9", "stale" if ded else "blank",
                                     col, msg, blank=col.blank))
            continue
        if not col.newest:
            continue
        newest = date.fromisoformat(col.newest)

        def stale(window: dict | None, newest: date = newest) -> bool:
            return bool(window) and newest < window_start(t, window)

        cat = col.category
        if cat == "动态要闻" and stale(news_window):
            msg = (f"动态要闻类栏目“{name}”超过{_window_words(news_window)}未更新"
                   f"（最新信息 {col.newest}）")
            findings.append(_finding(STALE_NEWS, site, "W-V4", "stale_key_column", col, msg))
            findings.append(_finding(STALE_NEWS, site, "W-D4", "stale", col, msg))
        elif cat == "通知公告" and stale(notice_window):
            msg = (f"通知公告栏目“{name}”超过{_window_words(notice_window)}未更新"
                   f"（最新信息 {col.newest}）")
            if col.top:
                findings.append(_finding(STALE_NOTICE, site, "W-V4", "stale_key_column", col,
                                         msg))
            findings.append(_finding(STALE_NOTICE, site, "W-D9", "stale", col, msg))
        elif cat == "政策文件" and stale(policy_window):
            msg = (f"政策文件栏目“{name}”超过{_window_words(policy_window)}未更新"
                   f"（最新信息 {col.newest}）")
            if col.top and stale(notice_window):
                findings.append(_finding(STALE_POLICY, site, "W-V4", "stale_key_column", col,
                                         msg))
            findings.append(_finding(STALE_POLICY, site, "W-D5", "stale", col, msg))
        elif cat == "政策解读" and stale(interp_window):
            msg = (f"政策解读栏目“{name}”超过{_window_words(interp_window)}未更新"
                   f"（最新信息 {col.newest}）")
            findings.append(_finding(STALE_INTERP, site, "W-D6", "stale", col, msg))
        elif cat in long_windows and stale(long_windows[cat]):
            w = long_windows[cat]
            msg = f"栏目“{name}”应更新但超过{_window_words(w)}未更新（最新信息 {col.newest}）"
            findings.append(_finding(STALE_LONG, site, "W-V4", "long_stale_column", col, msg))
            findings.append(_finding(STALE_LONG, site, "W-D9", "stale", col, msg))
    return findings


# ── required columns (W-D1–W-D6) ────────────────────────────────────────────────────────

def missing_columns(data, ctx) -> list[Finding]:
    """A required column category seen on no page of the site (only after a real crawl)."""
    pages = [p for p in data.pages if p.page_type != "error"]
    if len(pages) < MIN_PAGES_FOR_ABSENCE:
        return []
    seen = {p.column_category for p in pages if p.column_category}
    seen |= {c.category for c in data.column_tree() if c.category}
    out = []
    for category, indicator in REQUIRED:
        if category in seen or indicator not in ctx.indicator_set.indicators:
            continue
        out.append(Finding(
            rule_id=MISSING.id, indicator_id=indicator, subject=data.site.code,
            message=f"未找到“{category}”栏目", confidence=Confidence.SUSPECTED,
            evidence=Evidence(url=data.site.homepage), item="no_column",
            details={"category": category, "pages_seen": len(pages)}))
    return out


# ── 办事统计 (W-D12) ────────────────────────────────────────────────────────────────────

def service_stats(data, ctx) -> list[Finding]:
    """办事统计: no column, or its newest item older than the 1- and 3-month windows."""
    items = _items(ctx, "W-D12")
    cols = [c for c in data.column_tree()
            if c.category == "办事统计" and not c.channel]
    site = data.site
    if not cols:
        if len([p for p in data.pages if p.page_type != "error"]) < MIN_PAGES_FOR_ABSENCE:
            return []
        return [Finding(rule_id=STATS.id, indicator_id="W-D12", subject=site.code,
                        message="未找到办事统计栏目", confidence=Confidence.SUSPECTED,
                        evidence=Evidence(url=site.homepage), item="none")]
    newest = max((c.newest for c in cols if c.newest), default=None)
    col = max(cols, key=lambda c: (c.newest or "", c.url))
    if newest is None:
        return [_finding(STATS, site, "W-D12", "none", col,
                         f"办事统计栏目“{col.name}”无任何统计数据")]
    # the longest window that is exceeded decides the item (they are alternatives, cap 2)
    windows = sorted(((k, v["window"]) for k, v in items.items() if (v or {}).get("window")),
                     key=lambda kv: window_start(ctx.reference_time, kv[1]))
    for item, window in windows:
        if date.fromisoformat(newest) < window_start(ctx.reference_time, window):
            return [_finding(STATS, site, "W-D12", item, col,
                             f"办事统计栏目“{col.name}”超过{_window_words(window)}未更新"
                             f"（最新数据 {newest}）")]
    return []


# ── 数据发布 (W-B1, bonus) ──────────────────────────────────────────────────────────────

# Titles that show data visualised or interpreted with charts (W-B1 "visualised"; a person
# confirms, so the finding is only suspected).
VISUAL_MARKERS = ("图解", "一图读懂", "图表", "可视化", "数据解读")


def _visualised(pages: list[PageFacts], col: Column, since: date, until: date
                ) -> tuple[str, str, str] | None:
    """The newest (date, title, url) in the column within [since, until] whose title shows
    charts: its list items, and pages at or below the column's address."""
    own = set(col.pages)
    seen: list[tuple[str, str, str]] = []
    for p in pages:
        if p.url in own:
            seen += [(it.date, it.title, it.url) for it in p.list_items if it.date]
        elif p.url.startswith(col.url) and p.pub_date and p.page_type != "error":
            seen.append((p.pub_date, p.title or p.html_title or "", p.url))
    hits = [s for s in seen if since <= date.fromisoformat(s[0]) <= until
            and any(m in s[1] for m in VISUAL_MARKERS)]
    return max(hits, default=None)


def data_release(data, ctx) -> list[Finding]:
    """数据发布 bonus: the newest item of the site's 数据发布 columns inside the shorter window
    (updated_3_months) or else the longer one (updated_6_months); a chart-like item inside the
    visualised window (suspected). No 数据发布 column: nothing (a bonus is never a problem)."""
    iset = ctx.indicator_set
    if "W-B1" not in iset.indicators or not iset.applies("W-B1", data.site.kind.value):
        return []  # 加分指标 apply to government portals only (R1)
    items = _items(ctx, "W-B1")
    site, t = data.site, ctx.reference_time
    cols = [c for c in data.column_tree() if c.category == "数据发布" and not c.channel]
    out: list[Finding] = []
    dated = [c for c in cols if c.newest and date.fromisoformat(c.newest) <= t.date()]
    if dated:
        col = max(dated, key=lambda c: (c.newest or "", c.url))
        newest = date.fromisoformat(col.newest or "")
        # the shortest window that holds the newest item decides (alternatives, +2 or +1)
        windows = sorted(((k, v["window"]) for k, v in items.items()
                          if k.startswith("updated") and (v or {}).get("window")),
                         key=lambda kv: window_start(t, kv[1]), reverse=True)
        for item, window in windows:
            if newest >= window_start(t, window):
                points = f"{iset.item_points('W-B1', item):g}"
                out.append(_finding(
                    DATA_RELEASE, site, "W-B1", item, col,
                    f"数据发布栏目“{col.name}”近{_window_words(window)}内有更新"
                    f"（最新 {col.newest}），可加{points}分"))
                break
    visual = items.get("visualised") or {}
    if visual.get("window"):
        since = window_start(t, visual["window"])
        best: tuple[tuple[str, str, str], Column] | None = None
        for col in cols:
            hit = _visualised(data.pages, col, since, t.date())
            if hit and (best is None or hit > best[0]):
                best = (hit, col)
        if best:
            (when, title, url), col = best
            points = f"{iset.item_points('W-B1', 'visualised'):g}"
            out.append(Finding(
                rule_id=DATA_RELEASE.id, indicator_id="W-B1", subject=site.code,
                message=f"数据发布栏目“{col.name}”近{_window_words(visual['window'])}内有图表图解"
                f"类信息“{title}”（{when}），疑似可加{points}分，请人工确认",
                confidence=Confidence.SUSPECTED, evidence=Evidence(url=url, context=title),
                item="visualised",
                details={"column": col.url, "column_name": col.name, "category": col.category,
                         "latest": when, "title": title}))
    return out


# ── homepage update (W-V3) ──────────────────────────────────────────────────────────────

def homepage_update(data, ctx) -> list[Finding]:
    """Newest dated homepage item older than the W-V3 window; a homepage without dated items
    (navigation only) is judged by all second-level pages together."""
    site = data.site
    home = next((p for p in data.pages if _is_homepage(p.url, site)), None)
    if home is None:
        return []
    window = ctx.indicator_set.indicators["W-V3"].get("window") or {"days": 14}
    cutoff = window_start(ctx.reference_time, window)
    dates = [i.date for i in home.list_items if i.date]
    basis = "首页"
    if not dates:  # nav-only homepage: every second-level page
        basis = "首页及全部二级页面"
        second = {c.url for c in data.captures.values() if c.depth == 1}
        dates = [i.date for p in data.pages if p.url in second for i in p.list_items if i.date]
    newest = max(dates, default=None)
    if newest is not None and date.fromisoformat(newest) >= cutoff:
        return []
    shown = f"最新信息 {newest}" if newest else "无带日期的信息"
    return [Finding(
        rule_id=HOMEPAGE.id, indicator_id="W-V3", subject=site.code,
        message=f"{basis}超过{_window_words(window)}未更新（{shown}）",
        confidence=Confidence.CERTAIN if newest else Confidence.SUSPECTED,
        evidence=Evidence(url=site.homepage), item="homepage_not_updated",
        details={"latest": newest, "since": cutoff.isoformat(), "basis": basis})]


_BASIS_V4 = "W-V4 栏目不更新、W-D4 动态要闻、W-D9 其他栏目（国办秘函〔2019〕19号）"

STALE_NEWS = register(Rule(
    id="GI-C001", title="动态要闻类栏目更新不及时", indicators=("W-V4", "W-D4"),
    what="按栏目汇总列表页（首页 index.html 及其分页 index_N.html），动态、要闻类栏目最新一条带日期"
    "信息早于检查时间点前2周（窗口取自指标体系）即为未更新。未标日期的信息不算更新。"
    "同时计入单项否决 W-V4(a) 的累计数和扣分指标 W-D4。",
    why="动态要闻是公众了解政府工作的主要窗口，长期不更新说明网站疏于维护；W-D4 每个扣5分，"
    "与通知公告、政策文件栏目合计超过5个即单项否决。",
    example="栏目“工作动态”最新一条：2022-05-15 示例市召开安全生产工作会议（检查时间 2022-06-30）",
    fix="建立信息报送和更新机制，动态要闻类栏目至少每2周更新；确无内容的栏目应整合或关闭。",
    basis=_BASIS_V4, check=family_check(check_columns, "GI-C001"),
    scope=Scope.SITE, emits=(("W-V4", "stale_key_column"), ("W-D4", "stale")),
    needs=("pages", "column_tree")))
STALE_NOTICE = register(Rule(
    id="GI-C002", title="通知公告栏目长期未更新", indicators=("W-V4", "W-D9"),
    what="通知公告类栏目最新一条带日期信息早于检查时间点前6个月即为未更新；一级栏目计入 W-V4(a)"
    " 的累计数，并按 W-D9 其他栏目扣分。",
    why="通知公告承载面向公众的办事和工作安排信息，长期不更新会让公众错过重要事项。",
    example="栏目“通知公告”最新一条：2021-10-21 关于做好防汛工作的通知（检查时间 2022-06-30）",
    fix="及时发布通知公告；不再使用的栏目应整合或关闭，并在原地址设置跳转。",
    basis="W-V4(a) 栏目不更新、W-D9 其他栏目（国办秘函〔2019〕19号）", check=family_check(check_columns, "GI-C002"),
    scope=Scope.SITE, emits=(("W-V4", "stale_key_column"), ("W-D9", "stale")),
    needs=("pages", "column_tree")))
STALE_POLICY = register(Rule(
    id="GI-C003", title="政策文件栏目长期未更新", indicators=("W-V4", "W-D5"),
    what="政策文件类栏目最新一条带日期信息早于检查时间点前6个月即为未更新；一级栏目计入 W-V4(a)"
    " 的累计数，并按 W-D5 扣分。",
    why="政策文件是政务公开的核心内容，长期不更新意味着文件未按要求公开。",
    example="栏目“政策文件”最新一条：2021-09-30 示例市人民政府关于印发…的通知（检查时间 2022-06-30）",
    fix="按规定时限公开本单位制发的政策文件；无新文件时检查是否漏发。",
    basis="W-V4(a) 栏目不更新、W-D5 政策文件（国办秘函〔2019〕19号）", check=family_check(check_columns, "GI-C003"),
    scope=Scope.SITE, emits=(("W-V4", "stale_key_column"), ("W-D5", "stale")),
    needs=("pages", "column_tree")))
STALE_INTERP = register(Rule(
    id="GI-C004", title="政策解读栏目长期未更新", indicators=("W-D6",),
    what="政策解读类栏目最新一条带日期信息早于检查时间点前6个月即为未更新，按 W-D6 扣分。",
    why="政策解读帮助公众理解政策，解读栏目长期不更新说明文件发布后未同步解读。",
    example="栏目“政策解读”最新一条：2021-10-08 《关于…的通知》政策解读（检查时间 2022-06-30）",
    fix="重要政策文件与解读材料同步组织、同步审签、同步发布。",
    basis="W-D6 政策解读（国办秘函〔2019〕19号）", check=family_check(check_columns, "GI-C004"),
    scope=Scope.SITE, emits=(("W-D6", "stale"),),
    needs=("pages", "column_tree")))
STALE_LONG = register(Rule(
    id="GI-C005", title="应更新栏目长期未更新", indicators=("W-V4", "W-D9"),
    what="人事、规划计划等应定期更新的栏目，最新一条带日期信息早于指标体系规定的周期（默认1年）"
    "即为长期未更新，计入 W-V4(b) 的累计数（超过10个即单项否决），并按 W-D9 扣分。",
    why="人事、规划计划信息应随工作进展公开，长期空档说明信息公开不到位。",
    example="栏目“人事信息”最新一条：2021-03-21 关于…任前公示（检查时间 2022-06-30）",
    fix="按要求公开人事任免、规划计划及其进展；确无信息的栏目应说明或整合。",
    basis="W-V4(b) 栏目不更新、W-D9 其他栏目（国办秘函〔2019〕19号；周期沿用2015年做法）",
    check=family_check(check_columns, "GI-C005"),
    scope=Scope.SITE, emits=(("W-V4", "long_stale_column"), ("W-D9", "stale")),
    needs=("pages", "column_tree")))
BLANK = register(Rule(
    id="GI-C006", title="空白栏目", indicators=("W-V4", "W-D4", "W-D5", "W-D6", "W-D9"),
    what="应发布信息的栏目没有任何带日期的信息，或只显示“暂无信息”“本栏目无信息说明”等提示。"
    "计入 W-V4(c) 的累计数（超过5个即单项否决），并按栏目类型计入 W-D4/W-D5/W-D6 或 W-D9。"
    "是否把“无信息说明”算作空白由指标体系的 explained_is_blank 决定。",
    why="空白栏目让公众点开后一无所获，是政府网站“建而不管”的典型表现。",
    example='<div class="list"><p>暂无信息</p></div>（栏目“在线访谈”）',
    fix="为空白栏目补充内容；确无内容的栏目应关闭或与其他栏目整合。",
    basis="W-V4(c) 栏目不更新、W-D9 其他栏目（国办秘函〔2019〕19号）", check=family_check(check_columns, "GI-C006"),
    scope=Scope.SITE, emits=(("W-V4", "blank_column"), ("W-D4", "stale"), ("W-D5", "stale"), ("W-D6", "stale"), ("W-D9", "blank")),
    needs=("pages", "column_tree")))
MISSING = register(Rule(
    id="GI-C007", title="必备栏目缺失", indicators=("W-D1", "W-D2", "W-D3", "W-D4", "W-D5", "W-D6"),
    what="在本轮采集到的全部页面中找不到概况、机构职能、领导信息、动态要闻、政策文件、政策解读"
    "类栏目（按栏目名称和类型识别）。采集页面过少时不判断。结论为“疑似”，需人工确认。",
    why="这些栏目是政府网站发布解读的基本内容，缺失即按对应指标扣分。",
    example="全站页面的栏目名称中没有“机构职能”“机构设置”“部门职责”等",
    fix="按《政府网站发展指引》设置必备栏目并保持更新。",
    basis="W-D1–W-D6 发布解读（国办秘函〔2019〕19号）", check=missing_columns,
    scope=Scope.SITE, emits=(("W-D1", "no_column"), ("W-D2", "no_column"), ("W-D3", "no_column"), ("W-D4", "no_column"), ("W-D5", "no_column"), ("W-D6", "no_column")),
    needs=("pages", "column_tree")))
STATS = register(Rule(
    id="GI-C008", title="办事统计缺失或更新不及时", indicators=("W-D12",),
    what="找不到办事统计栏目，或其最新数据早于检查时间点前1个月（扣1分）/3个月（扣2分）；"
    "窗口和分值取自指标体系。",
    why="办事统计反映政务服务的办理情况，是服务公开的重要内容。",
    example="栏目“办事统计”最新一条：2021-12-31 2021年12月办件统计（检查时间 2022-06-30）",
    fix="按月发布办件统计数据。",
    basis="W-D12 办事统计（国办秘函〔2019〕19号）", check=service_stats,
    scope=Scope.SITE, emits=(("W-D12", "none"), ("W-D12", "stale_1_month"), ("W-D12", "stale_3_months")),
    needs=("pages", "column_tree")))
DATA_RELEASE = register(Rule(
    id="GI-B001", title="数据发布栏目及时更新（加分）", indicators=("W-B1",),
    what="加分项，不是问题。数据发布类栏目（数据发布、统计数据、统计信息等）最新一条带日期信息"
    "在检查时间点前3个月内，可加2分；在3至6个月内，可加1分（窗口和分值取自指标体系）。"
    "该栏目6个月内有标题含“图解”“一图读懂”“图表”“可视化”“数据解读”的信息，疑似可加1分，"
    "需人工确认是否确为图表图解。数据集定期更新并提供下载或接口（+1分）须人工核查，本规则不判断。"
    "没有数据发布栏目时不产生结论。加分指标只适用于政府门户网站，且只有进入加分环节"
    "（扣分后得分高于80分）的网站才计入。",
    why="数据发布及时并以图表图解方式解读，便于公众获取和理解政府数据，是指标体系鼓励的做法。",
    example="栏目“数据发布”最新一条：2022-06-15 2022年5月示例市主要统计数据（检查时间 2022-06-30）",
    fix="按月或按季发布统计数据，配发图解、一图读懂等可视化解读；开放数据集并定期更新，"
    "提供下载或接口。",
    basis="W-B1 数据发布（加分指标，国办秘函〔2019〕19号）", check=data_release,
    scope=Scope.SITE, emits=(("W-B1", "updated_3_months"), ("W-B1", "updated_6_months"), ("W-B1", "visualised")),
    needs=("pages", "column_tree")))
HOMEPAGE = register(Rule(
    id="GI-H001", title="首页不更新", indicators=("W-V3",),
    what="首页最新一条带日期信息早于检查时间点前2周（窗口取自指标体系）；首页只有导航入口时，"
    "看全部二级页面。未标日期的信息不算更新。",
    why="首页长期不更新是单项否决项，说明网站处于无人维护状态。",
    example="首页“政务要闻”最新一条：2022-06-03（检查时间 2022-06-30）",
    fix="首页要闻、通知等区块随栏目更新同步展示最新信息。",
    basis="W-V3 首页不更新（国办秘函〔2019〕19号）", check=homepage_update,
    scope=Scope.SITE, emits=(("W-V3", "homepage_not_updated"),),
    needs=("pages",)))

