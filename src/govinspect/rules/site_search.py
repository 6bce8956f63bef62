"""站内搜索 rules (W-D25), pure: judge the ``SearchFacts`` the collector recorded per site
(collect/search_probe.py: the homepage's search form, asked for ``sample`` published titles).

- GI-R001 no search, or a search that does not work: no form on the homepage (suspected: a
  box written by script is not seen), every query failing, or none of the titles found;
- GI-R002 each sampled title missing from the first results page (when some were found);
- GI-R003 results not shown by category (政策文件, 办事指南 …) on any results page that found
  its title (suspected: category labels take many shapes).

No search record (probe off, homepage not captured) gives no finding. Points come from the
indicator set (W-D25 ``items``), the sample size from ``sample``.
"""

from __future__ import annotations

from dataclasses import dataclass

from govinspect.core.types import Confidence, Evidence, Finding, SearchFacts, SearchQuery
from govinspect.rules.base import Rule, Scope, register


def _failure(q: SearchQuery) -> str | None:
    """Why a query got no usable answer, or None."""
    if q.error:
        return q.error
    if q.status is None:
        return "无响应"
    if not 200 <= q.status < 300:
        return f"HTTP {q.status}"
    return None


def _details(facts: SearchFacts, queries: tuple[SearchQuery, ...]) -> dict:
    return {"action": facts.action, "method": facts.method, "checked_at": facts.checked_at,
            "sample": [{"title": q.title, "page_url": q.page_url, "url": q.url,
                        "status": q.status, "error": q.error, "found": q.found,
                        "categories": list(q.categories)} for q in queries]}


@dataclass(frozen=True)
class _Search:
    """What the three W-D25 rules share: the sample and how the search fared on it."""

    state: str  # unknown | no_form | no_queries | all_failed | none_found | works
    queries: tuple[SearchQuery, ...]
    failures: tuple[str | None, ...]
    home: str


def _search(site, facts: SearchFacts, iset=None) -> _Search:
    conf = (iset.indicators.get("W-D25") if iset is not None else None) or {}
    k = int(conf.get("sample", 4))
    queries = facts.queries[:k]
    home = facts.homepage or site.homepage
    failures = tuple(_failure(q) for q in queries)
    if facts.form_found is None:
        state = "unknown"
    elif not facts.form_found:
        state = "no_form"
    elif not queries:
        state = "no_queries"  # a form, but no published title to search for (facts.note says why)
    elif all(failures):
        state = "all_failed"
    elif not any(q.found for q in queries):
        state = "none_found"
    else:
        state = "works"
    return _Search(state, queries, failures, home)


def _finding(rule: Rule, site, facts: SearchFacts, s: _Search, item: str, message: str,
             evidence: Evidence, confidence: Confidence = Confidence.CERTAIN,
             **extra) -> Finding:
    return Finding(rule_id=rule.id, indicator_id="W-D25", subject=site.code, message=message,
                   evidence=evidence, confidence=confidence, item=item,
                   details={**_details(facts, s.queries), **extra})


def no_search(site, facts: SearchFacts, iset=None) -> list[Finding]:
    """GI-R001: no search form, every query failing, or none of the titles found."""
    s = _search(site, facts, iset)
    if s.state == "no_form":
        return [_finding(NO_SEARCH, site, facts, s, "no_search", "首页未提供站内搜索（未发现搜索表单）",
                         Evidence(url=s.home), Confidence.SUSPECTED, reason="no_form")]
    if s.state not in ("all_failed", "none_found"):
        return []
    first = Evidence(url=s.queries[0].url, parent_url=s.home, context=s.queries[0].title)
    if s.state == "all_failed":
        why = "、".join(dict.fromkeys(f for f in s.failures if f))
        return [_finding(NO_SEARCH, site, facts, s, "no_search",
                         f"站内搜索不可用：检索{len(s.queries)}个已发布信息标题均失败（{why}）",
                         first, reason="failed")]
    return [_finding(NO_SEARCH, site, facts, s, "no_search",
                     f"站内搜索不可用：抽查的{len(s.queries)}个已发布信息标题均未能在搜索结果第一页"
                     "找到", first, reason="none_found")]


def titles_not_found(site, facts: SearchFacts, iset=None) -> list[Finding]:
    """GI-R002: each sampled title missing from the first results page (when some were
    found)."""
    s = _search(site, facts, iset)
    if s.state != "works":
        return []
    out = []
    for q, why in zip(s.queries, s.failures, strict=True):
        if q.found:
            continue
        suffix = f"（检索失败：{why}）" if why else ""
        out.append(_finding(NOT_FOUND, site, facts, s, "not_found",
                            f"站内搜索结果第一页未找到已发布信息：{q.title}{suffix}",
                            Evidence(url=q.url, parent_url=q.page_url, context=q.title),
                            title=q.title))
    return out


def results_not_categorised(site, facts: SearchFacts, iset=None) -> list[Finding]:
    """GI-R003: no results page that found its title labels results by category."""
    s = _search(site, facts, iset)
    if s.state != "works":
        return []
    found = [q for q in s.queries if q.found]
    if any(q.categorised for q in found):
        return []
    q = found[0]
    return [_finding(NOT_CATEGORISED, site, facts, s, "not_categorised",
                     "站内搜索结果未按政策文件、办事指南等类别分类展示",
                     Evidence(url=q.url, parent_url=s.home, context=q.title),
                     Confidence.SUSPECTED)]


def check_search(site, facts: SearchFacts, iset=None) -> list[Finding]:
    """The three W-D25 rules on one site's search facts (for callers outside the engine)."""
    return (no_search(site, facts, iset) + titles_not_found(site, facts, iset)
            + results_not_categorised(site, facts, iset))


def site_search(site_input, ctx) -> list[Finding]:
    """The three W-D25 rules on a site input: only when the collector recorded its search."""
    facts = getattr(site_input, "search", None)
    if facts is None:
        return []
    return check_search(site_input.site, facts, ctx.indicator_set)


def _on_site(check):
    """A W-D25 rule over a site input (nothing when the collector recorded no search)."""
    def run(data, ctx) -> list[Finding]:
        return [] if data.search is None else check(data.site, data.search, ctx.indicator_set)

    run.__name__ = run.__qualname__ = f"{check.__name__}_on_site"
    return run


_EXAMPLE_FORM = ('<form action="/was5/web/search" method="get"><input type="hidden" '
                 'name="channelid" value="218463"><input type="text" name="searchword">'
                 '<button type="submit">搜索</button></form>')

NO_SEARCH = register(Rule(
    id="GI-R001",
    title="未提供站内搜索或站内搜索不可用",
    indicators=("W-D25",),
    what="采集完成后，在首页查找站内搜索表单（含关键词输入框、且名称/文字/地址表明是搜索的 <form>，"
    "登录和留言表单除外），再从本轮采集到的详情页中按轮次名称和网站标识码确定性地抽取 sample（4）个"
    "已发布信息标题，按表单的方式（GET/POST、页面编码）逐个检索。首页没有搜索表单（疑似：脚本生成的"
    "搜索框需人工确认）、全部检索出错（HTTP 错误、超时等）、或所抽标题全部不在结果第一页，均报本条，"
    "扣 no_search 分值（4分）一次，不再逐条报 GI-R002/GI-R003。首页未采集成功时不判断。",
    why="站内搜索是公众查找政策文件和办事指南的主要入口，检查指标对没有站内搜索或搜索不可用的扣4分。",
    example=_EXAMPLE_FORM + "\n检索“示例市教育体育局关于印发《示例市学前教育实施方案》的通知” → HTTP 500",
    fix="在网站公共头部提供站内搜索，保证检索服务稳定可用，新发布的信息及时进入检索索引。",
    basis="W-D25 站内搜索（国办秘函〔2019〕19号 扣分指标 功能设计）。",
    check=_on_site(no_search),
    scope=Scope.SITE, emits=(("W-D25", "no_search"),),
    needs=("search",),
))

NOT_FOUND = register(Rule(
    id="GI-R002",
    title="站内搜索查找不到已发布信息",
    indicators=("W-D25",),
    what="抽取的已发布信息标题中，有的能在搜索结果第一页找到、有的不能时，找不到的逐条报出"
    "（not_found，每条1分）。“找到”指结果页中有链接指向该信息页面，或链接文字（或 title 属性）"
    "就是该标题（允许以省略号截断、前后带分类标签或日期）；结果页回显的检索词不算。"
    "某条检索本身出错也按找不到计。",
    why="搜索不到已经发布的信息，说明检索索引滞后或不完整，公众无法通过搜索找到政策和服务信息。",
    example="检索“关于做好2022年义务教育招生入学工作的通知” → 结果页：没有找到相关结果"
    "（该通知 2022-06-20 已在通知公告栏目发布）",
    fix="检查检索系统的索引范围和更新频率，确保全部栏目已发布的信息都能被检索到。",
    basis="W-D25 站内搜索（国办秘函〔2019〕19号 扣分指标 功能设计）：随机抽查4条已发布信息标题，"
    "每条在搜索结果第一页找不到扣1分。",
    check=_on_site(titles_not_found),
    scope=Scope.SITE, emits=(("W-D25", "not_found"),),
    needs=("search",),
))

NOT_CATEGORISED = register(Rule(
    id="GI-R003",
    title="站内搜索结果未分类展示",
    indicators=("W-D25",),
    what="找到标题的结果页中，没有一页按类别标注结果时报本条（not_categorised，1分，一次，疑似）。"
    "按类别标注指：带数量的分类（“政策文件(3)”）、方括号分类标签（“【办事指南】”）、“栏目：通知公告”"
    "这类字段、分类小标题（<h3>政策文件</h3>），或含“全部”和两个以上类别名的标签栏；"
    "网站导航中的栏目链接不算。",
    why="检查指标要求搜索结果按政策文件、办事指南等类别展示，便于公众快速定位所需信息。",
    example='<ul class="result-list"><li><a href="/zwgk/tzgg/202206/t20220620_1000123.html">'
    "关于做好2022年义务教育招生入学工作的通知</a></li>…</ul>（结果不分类，混排）",
    fix="在检索结果页按政策文件、政策解读、办事指南、新闻动态、互动交流等类别分组或提供分类筛选。",
    basis="W-D25 站内搜索（国办秘函〔2019〕19号 扣分指标 功能设计）：搜索结果未按类别展示扣1分。",
    check=_on_site(results_not_categorised),
    scope=Scope.SITE, emits=(("W-D25", "not_categorised"),),
    needs=("search",),
))
