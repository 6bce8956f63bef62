"""Identity and design rules (pure): domain (W-D20), footer identity items (W-D21), the
我为政府网站找错 entry (W-D23) and page meta tags (W-D27).

Only pages of the site's own template are judged for footer items: a page on which none of
the six items is found (a bare error stub, a redirect page) shows no footer at all and is left
to the link and availability rules.
"""

from __future__ import annotations

import random
from urllib.parse import urlsplit

from govinspect.core.types import Evidence, Finding, SiteKind, Span
from govinspect.extract import PageFacts
from govinspect.extract.site_tree import ARTICLE_RE as _ARTICLE_RE
from govinspect.extract.site_tree import column_key as _column_key
from govinspect.extract.site_tree import column_tree
from govinspect.extract.site_tree import is_homepage as _is_homepage
from govinspect.rules.base import RecheckMode, Rule, Scope, register

# Footer attribute -> the item's name in 网页设计规范 / INDICATORS.md W-D21.
FOOTER_ITEMS = (("dzjg", "党政机关网站标识"), ("site_id_code", "网站标识码"),
                ("icp", "ICP备案编号"), ("psb", "公安机关备案标识"), ("sponsor", "网站主办单位"),
                ("contact", "联系方式"))
SITE_TAGS = ("sitename", "sitedomain", "siteidcode")
COLUMN_TAGS = ("columnname", "columntype")
CONTENT_TAGS = ("articletitle", "pubdate", "contentsource")
CONTENT_TYPES = frozenset({"article", "policy"})
LISTED_PAGES = 10  # how many page URLs a site-level finding lists


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def _own_pages(data) -> list[PageFacts]:
    return data.own_pages()


def _has(footer, attr: str) -> bool:
    return bool(getattr(footer, attr))


def _template_pages(data) -> list[PageFacts]:
    return [p for p in _own_pages(data) if any(_has(p.footer, a) for a, _ in FOOTER_ITEMS)]


# ── W-D20 domain ───────────────────────────────────────────────────────────────────────

def domain_rules(data, ctx) -> list[Finding]:
    """政府网站发展指引: .gov.cn; a portal at www.X.gov.cn; a department under its portal."""
    site = data.site
    host = _host(site.homepage)
    problem = None
    if not host.endswith(".gov.cn"):
        problem = f"网站域名 {host} 不以 .gov.cn 结尾"
    elif site.kind == SiteKind.PORTAL and not host.startswith("www."):
        problem = f"门户网站域名 {host} 不是 www.XXX.gov.cn 形式"
    elif site.kind == SiteKind.DEPARTMENT and ctx.portal_hosts:
        roots = {h.lower().removeprefix("www.") for h in ctx.portal_hosts}
        if not any(host == r or host.endswith("." + r) for r in roots):
            problem = f"部门网站域名 {host} 不在本级门户网站域名之下"
    if problem is None:
        return []
    return [Finding(rule_id=DOMAIN.id, indicator_id="W-D20", subject=site.code, message=problem,
                    evidence=Evidence(url=site.homepage, context=host), item="bad_domain",
                    details={"host": host})]


# ── W-D21 footer items ─────────────────────────────────────────────────────────────────

def footer_items(data, ctx) -> list[Finding]:
    """One finding per footer item missing on at least one template page (−0.5 per item)."""
    site = data.site
    pages = _template_pages(data)
    out = []
    for attr, name in FOOTER_ITEMS:
        lacking = sorted((p.url for p in pages if not _has(p.footer, attr)),
                         key=lambda u: (not _is_homepage(u, site), u))
        if not lacking:
            continue
        where = "所有页面" if len(lacking) == len(pages) else f"{len(lacking)}/{len(pages)} 个页面"
        out.append(Finding(
            rule_id=FOOTER.id, indicator_id="W-D21", subject=site.code,
            message=f"页面底部缺少{name}（{where}）",
            # the item's name is the evidence: each missing item has its own fingerprint (one
            # per item, not one per page, or the second missing item would be dropped as a
            # duplicate of the first)
            evidence=Evidence(url=site.homepage if len(lacking) == len(pages) else lacking[0],
                              context=name, span=Span(0, len(name))),
            item="missing_item",
            details={"footer_item": name, "pages_missing": len(lacking),
                     "pages_checked": len(pages), "examples": lacking[:LISTED_PAGES]}))
    return out


# ── W-D23 我为政府网站找错 ──────────────────────────────────────────────────────────────

def jiucuo_entry(data, ctx) -> list[Finding]:
    """The 找错 entry: missing on the homepage (−1), on each other page (−0.2, capped)."""
    site = data.site
    out = []
    for p in _template_pages(data):
        if p.footer.zhaocuo:
            continue
        home = _is_homepage(p.url, site)
        out.append(Finding(
            rule_id=JIUCUO.id, indicator_id="W-D23", subject=site.code,
            message=("首页" if home else "页面") + "底部未设置“我为政府网站找错”入口",
            evidence=Evidence(url=p.url), item="homepage_missing" if home else "other_missing"))
    return out


# ── W-D27 meta tags ────────────────────────────────────────────────────────────────────

def _lacks(page: PageFacts, groups: tuple[tuple[str, tuple[str, ...]], ...]) -> list[str]:
    keys = {str(k).lower() for k, v in page.meta.items() if str(v or "").strip()}
    return [label for label, tags in groups if not keys.intersection(tags)]


def meta_tags(data, ctx) -> list[Finding]:
    """5 content + 5 column pages drawn per round and site; each lacking 站点标签 or its
    内容/栏目标签 −0.1. Pages outside the sample are reported without points; a site with no
    站点标签 on any page gets one site-level finding instead."""
    site = data.site
    iset = ctx.indicator_set
    n = int(iset.indicators["W-D27"].get("sample", 5))
    pages = _own_pages(data)
    tree = column_tree(pages, site)
    column_pages = {u for c in tree for u in c.pages}
    content = sorted(p.url for p in pages
                     if (p.page_type in CONTENT_TYPES or _ARTICLE_RE.search(p.url))
                     and p.url not in column_pages and _column_key(p.url) is None)
    columns = sorted({c.pages[0] for c in tree})
    by_url = {p.url: p for p in pages}
    rng = random.Random(f"{ctx.round_name}:{site.code}")
    sample = (sorted(rng.sample(content, min(n, len(content)))),
              sorted(rng.sample(columns, min(n, len(columns)))))
    sampled = set(sample[0]) | set(sample[1])
    checks = ([(u, (("站点标签", SITE_TAGS), ("内容标签", CONTENT_TAGS))) for u in content]
              + [(u, (("站点标签", SITE_TAGS), ("栏目标签", COLUMN_TAGS))) for u in columns])
    judged = [(u, _lacks(by_url[u], groups)) for u, groups in checks]
    details = {"sample_content": sample[0], "sample_columns": sample[1]}
    home = next((p for p in pages if _is_homepage(p.url, site)), None)
    all_checked = [by_url[u] for u, _ in judged] + ([home] if home else [])
    items = iset.indicators["W-D27"].get("items") or {}
    if all_checked and "all_pages" in items and all(
            _lacks(p, (("站点标签", SITE_TAGS),)) for p in all_checked):
        return [Finding(rule_id=META.id, indicator_id="W-D27", subject=site.code,
                        message=f"全站页面均缺少网页标签（检查 {len(all_checked)} 个页面）",
                        evidence=Evidence(url=site.homepage), item="all_pages",
                        details={**details, "scope": "site", "pages_checked": len(all_checked)})]
    out = []
    seen: set[str] = set()
    for url, missing in judged:
        if not missing or url in seen:
            continue
        seen.add(url)
        inside = url in sampled
        out.append(Finding(
            rule_id=META.id, indicator_id="W-D27", subject=site.code,
            message=f"页面缺少{'、'.join(missing)}" + ("" if inside else "（抽查范围外，不扣分）"),
            evidence=Evidence(url=url),
            item="missing_tags" if inside or "outside_sample" not in items else "outside_sample",
            details={**details, "missing": missing, "scope": "page", "sampled": inside}))
    return out


DOMAIN = register(Rule(
    id="GI-W001", title="网站域名不规范", indicators=("W-D20",),
    what="按《政府网站发展指引》检查网站首页域名：须以 .gov.cn 结尾；门户网站为 www.XXX.gov.cn；"
    "部门网站使用本级门户网站域名的下级域名（本轮门户域名已知时）。",
    why="规范的 .gov.cn 域名是公众辨别政府网站真伪的依据，非规范域名易被仿冒。",
    example="住房公积金管理中心网站 http://www.ssgjj.com/",
    fix="按指引申请并迁移到 .gov.cn 下级域名，原域名设置跳转并报备。",
    basis="W-D20 域名名称（国办秘函〔2019〕19号；政府网站发展指引 域名规范）",
    check=domain_rules,
    scope=Scope.SITE, emits=(("W-D20", "bad_domain"),),
    recheck=RecheckMode.ROSTER,
    needs=("hosts",)))
FOOTER = register(Rule(
    id="GI-W002", title="页面底部标识信息不全", indicators=("W-D21",),
    what="检查本轮采集到的每个页面底部功能区是否列出党政机关网站标识、网站标识码、ICP备案编号、"
    "公安机关备案标识、网站主办单位、联系方式；某项在任一页面缺失即扣0.5分（按项计，不按页计）。"
    "没有任何一项的页面（错误页、跳转页）不判断。",
    why="底部标识让公众确认网站的主办者和合法性，是网页设计规范的统一要求。",
    example="<footer>主办单位：示例市教育体育局 网站标识码：3411000003</footer>（缺ICP备案编号、公安机关备案标识）",
    fix="在网站公共模板底部统一放置六项标识信息，并核对备案号准确。",
    basis="W-D21 网站标识（国办秘函〔2019〕19号；政府网站发展指引 网页设计规范）",
    check=footer_items,
    scope=Scope.SITE, emits=(("W-D21", "missing_item"),),
    needs=("pages",)))
JIUCUO = register(Rule(
    id="GI-W003", title="未设置“我为政府网站找错”入口", indicators=("W-D23",),
    what="首页底部功能区缺少“我为政府网站找错”入口扣1分；其他页面每个缺少的扣0.2分（封顶1分）。"
    "以脚本方式加载的入口也算设置。",
    why="“我为政府网站找错”是公众反馈网站问题的统一渠道，须在全部页面底部提供。",
    example="<footer>网站地图 | 联系我们</footer>（无“我为政府网站找错”链接）",
    fix="在公共模板底部加入全国政府网站找错入口（zfwzgl.www.gov.cn 提供的链接或脚本）。",
    basis="W-D23 “我为政府网站找错”入口（国办秘函〔2019〕19号）", check=jiucuo_entry,
    scope=Scope.SITE, emits=(("W-D23", "homepage_missing"), ("W-D23", "other_missing")),
    recheck=RecheckMode.PAGES,
    needs=("pages",)))
META = register(Rule(
    id="GI-W004", title="页面缺少网页标签", indicators=("W-D27",),
    what="每轮按轮次名和网站标识码确定性抽取5个内容页和5个栏目页：内容页缺少站点标签"
    "（SiteName/SiteDomain/SiteIDCode）或内容标签（ArticleTitle/PubDate/ContentSource），"
    "栏目页缺少站点标签或栏目标签（ColumnName/ColumnType），每页扣0.1分；抽样记录在结论中。"
    "抽样外的页面同样列出但不扣分；全站均无站点标签时记一条全站结论。",
    why="网页标签是搜索引擎和全国政府网站监管平台识别网站、栏目和文章的依据。",
    example='<head><title>关于…的通知</title></head>（无 <meta name="SiteName"> 等标签）',
    fix="在网站模板中按网页设计规范输出站点、栏目、内容三类 <meta> 标签。",
    basis="W-D27 页面标签（国办秘函〔2019〕19号；政府网站发展指引 网页标签）", check=meta_tags,
    scope=Scope.SITE, emits=(("W-D27", "all_pages"), ("W-D27", "missing_tags"), ("W-D27", "outside_sample")),
    needs=("pages",)))

