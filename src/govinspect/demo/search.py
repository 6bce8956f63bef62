"""Site search of the demo network (W-D25): each site's search form (in the page header) and the
results pages its search endpoint answers, plus the planted search problems.

Healthy sites match the keywords (every space-separated term, case-insensitive) against the
titles of all the site's published items and show the first 10 results grouped by category
(政策文件, 政策解读, 新闻动态, 通知公告, 办事指南, 信息公开, 互动交流) with a facet bar
("政策文件(3)"). Planted, from the network's own random stream (``random.Random(f"{seed}:search")``,
so every other page and entry stays as it was without them):

- ``search_missing``: no search form on any page, the endpoint answers 404;
- ``search_broken``: the form is there, the endpoint answers 500 (first such site) or an empty
  results page for every query (second);
- ``search_misses_titles``: the index lags: only the oldest 30 % of the items are found;
- ``search_uncategorised``: results as one flat list, no category labels;
- look-alike ``search_lookalike`` (negative): a healthy search on a homepage that also has a
  login and a subscription form, whose results cut long titles short with "…".

Results pages are generated on request (like the crawler-trap calendar); the written network
(``Network.write``) holds only the static pages.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, quote

from markupsafe import Markup, escape

from govinspect.demo.model import Page

if TYPE_CHECKING:
    from govinspect.demo.network import SitePlan, _Builder

# The forms of common gov CMSs: keyword field, method, hidden fields ({code}: the site code).
SEARCH_FORMS: tuple[dict, ...] = (
    {"action": "/search/", "method": "get", "field": "q"},
    {"action": "/was5/web/search", "method": "get", "field": "searchword", "target": True,
     "hidden": (("channelid", "2{code6}"),)},  # TRS WAS
    {"action": "/search.html", "method": "get", "field": "searchword"},
    {"action": "/jsearch/search.do", "method": "post", "field": "q", "name": "searchform",
     "hidden": (("webid", "{webid}"), ("pg", "10"), ("p", "1"), ("tpl", ""))},  # 大汉 jsearch
    {"action": "/search/search.jsp", "method": "get", "field": "keyword", "scope": "field",
     "hidden": (("siteCode", "{code}"),)},
)
PORTAL_FORM = 1
CATEGORY = {"zcwj": "政策文件", "zcjd": "政策解读", "zwyw": "新闻动态", "gzdt": "新闻动态",
            "tzgg": "通知公告", "bszn": "办事指南", "zxzx": "互动交流", "dczj": "互动交流",
            "zxft": "互动交流"}
OTHER = "信息公开"
CATEGORY_ORDER = ("政策文件", "政策解读", "新闻动态", "通知公告", "办事指南", OTHER, "互动交流")
KINDS = ("search_missing", "search_broken", "search_misses_titles", "search_uncategorised")
PAGE_SIZE = 10
INDEXED_SHARE = 0.3  # the lagging index holds the oldest 30 % of the items
TRUNCATE = 20  # look-alike: result titles longer than this are cut with "…"

SERVER_ERROR = (
    b"<html><head><title>Apache Tomcat/8.5.34 - Error report</title></head><body>"
    b"<h1>HTTP Status 500 - Internal Server Error</h1><hr><p><b>type</b> Exception report</p>"
    b"<p><b>message</b> java.lang.NullPointerException</p><hr><h3>Apache Tomcat/8.5.34</h3>"
    b"</body></html>\n")


@dataclass
class SiteSearch:
    """How one site's search looks and behaves."""

    form: int  # index into SEARCH_FORMS
    mode: str = "ok"  # ok | missing | error | empty | lagging | flat
    decoys: bool = False  # look-alike: other forms on the homepage, titles cut in results
    cutoff: datetime | None = None  # lagging: newest item date the index holds


def plant_search(b: _Builder, rng: random.Random) -> None:
    """Give every site its search and plant the search problems (``rng``: the plugin's own
    stream, ``Random(f"{seed}:search")``; demo.kinds.search)."""
    for i, plan in enumerate(b.plans):
        plan.search = SiteSearch(PORTAL_FORM if i == 0 else rng.randrange(len(SEARCH_FORMS)))
    pool = list(b.plans[1:]) or list(b.plans)
    rng.shuffle(pool)
    per_kind = 2 if len(pool) >= 2 * len(KINDS) + 1 else 1
    queue = iter(pool)
    for kind in KINDS:
        for n in range(per_kind):
            plan = next(queue, None)
            if plan is None:
                return
            s = plan.search
            extra: dict = {"action": _action_url(b, plan)}
            if kind == "search_missing":
                s.mode = "missing"
                extra = {}
            elif kind == "search_broken":
                s.mode = "error" if n == 0 else "empty"
                extra["failure"] = "http_500" if n == 0 else "empty_results"
            elif kind == "search_misses_titles":
                s.mode = "lagging"
                dates = sorted(_when(it) for it in _items(plan))
                cut = max(0, int(len(dates) * INDEXED_SHARE) - 1)
                s.cutoff = dates[cut] if dates else None
                extra.update(indexed_until=s.cutoff.isoformat() if s.cutoff else None,
                             indexed=cut + 1 if dates else 0, items=len(dates))
            else:
                s.mode = "flat"
            b.entry(kind, "W-D25", plan, plan.site.homepage, scope="site", **extra)
    plan = next(queue, None)
    if plan is not None:
        plan.search.decoys = True
        b.entry("search_lookalike", "W-D25", plan, plan.site.homepage, scope="site",
                negative=True, action=_action_url(b, plan))


def _action_url(b: _Builder, plan: SitePlan) -> str:
    return b.url(plan.site.host, SEARCH_FORMS[plan.search.form]["action"])


def _when(it) -> datetime:
    return it.when or it.url_date


def _items(plan: SitePlan) -> list:
    return [it for col in plan.cols.values() for it in col.items]


def form_context(plan: SitePlan) -> dict | None:
    """What the header template needs to render the site's search form (None: no form)."""
    s: SiteSearch | None = getattr(plan, "search", None)
    if s is None or s.mode == "missing":
        return None
    spec = SEARCH_FORMS[s.form]
    code = plan.site.code
    values = {"code": code, "code6": code[-6:], "webid": str(int(code[-4:]) + 1)}
    return {"action": spec["action"], "method": spec["method"], "field": spec["field"],
            "name": spec.get("name"), "target": spec.get("target", False),
            "scope": spec.get("scope"),
            "hidden": [(k, v.format(**values)) for k, v in spec.get("hidden", ())]}


def _terms(keyword: str) -> list[str]:
    return [t.lower() for t in keyword.split() if t]


def _decode_query(raw: str, encoding: str) -> list[tuple[str, str]]:
    """Form data as sent, read in the site's encoding (an old GBK CMS reads GBK, as browsers
    send it from its pages)."""
    return parse_qsl(raw, keep_blank_values=True, encoding=encoding, errors="replace")


def _highlight(title: str, terms: list[str], cut: int | None) -> Markup:
    shown = title if cut is None or len(title) <= cut else title[:cut] + "…"
    if not terms:
        return escape(shown)
    rx = re.compile("|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True)), re.I)
    out, last = Markup(""), 0
    for m in rx.finditer(shown):
        out += escape(shown[last:m.start()]) + Markup('<font color="red">') + escape(m.group()) \
            + Markup("</font>")
        last = m.end()
    return out + escape(shown[last:])


def search_handler(b: _Builder, plan: SitePlan) -> Callable[[str, str], Page | None] | None:
    """The site's search endpoint (path, query → results page), or None without search."""
    s: SiteSearch = plan.search
    if s.mode == "missing":
        return None
    spec = SEARCH_FORMS[s.form]
    action, field = spec["action"], spec["field"]
    index = []
    for it in _items(plan):
        if s.mode == "lagging" and s.cutoff is not None and _when(it) > s.cutoff:
            continue
        index.append({"title": it.title, "low": it.title.lower(), "href": it.path,
                      "date": f"{it.when:%Y-%m-%d}" if it.when else "", "when": _when(it),
                      "category": CATEGORY.get(it.col, OTHER)})
    index.sort(key=lambda r: (r["when"], r["href"]), reverse=True)

    @lru_cache(maxsize=512)
    def answer(path: str, query: str) -> Page | None:
        if path != action:
            return None
        if s.mode == "error":
            return Page(SERVER_ERROR, "text/html;charset=utf-8", status=500)
        params = dict(_decode_query(query, plan.site.encoding))
        # what the page can show of it (a mis-encoded query must not break the page)
        keyword = params.get(field, "").strip().replace("\ufffd", "?")
        keyword = keyword.encode(plan.site.encoding, "replace").decode(plan.site.encoding)
        terms = _terms(keyword)
        try:
            page = max(1, int(params.get("page", "1")))
        except ValueError:
            page = 1
        hits = [] if s.mode == "empty" or not terms else \
            [r for r in index if all(t in r["low"] for t in terms)]
        # exact title first, then newest first (as 相关度 then 时间 would)
        hits.sort(key=lambda r: r["low"] != keyword.lower())
        total = len(hits)
        pages = max(1, -(-total // PAGE_SIZE))
        shown = hits[(page - 1) * PAGE_SIZE:page * PAGE_SIZE]
        cut = TRUNCATE if s.decoys else None
        results = [{"title": _highlight(r["title"], terms, cut), "href": r["href"],
                    "date": r["date"], "category": r["category"]} for r in shown]
        categorised = s.mode != "flat"
        groups, facets = [], []
        if categorised:
            for cat in CATEGORY_ORDER:
                group = [r for r in results if r["category"] == cat]
                if group:
                    groups.append({"name": cat, "results": group})
                facets.append((cat, sum(1 for r in hits if r["category"] == cat)))
        base = f"{action}?{quote(field)}={quote(keyword)}"
        return b._render(plan, path, "search.html.j2", {
            "page_title": "搜索结果", "metas": b._metas(plan, None, None, "搜索结果"),
            "crumbs": [("搜索结果", None)], "keyword": keyword, "total": total,
            "results": results, "categorised": categorised, "groups": groups,
            "facets": facets, "page": page, "pages": pages, "base": base})

    return answer
