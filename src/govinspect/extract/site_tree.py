"""The column tree of one site (栏目), derived from its page facts once per site.

List pages of one column (``…/index.html`` and its ``index_N.html`` pagination pages, or pages
linked as its pagination) form one column; its name and category come from extraction (meta
ColumnName, breadcrumb, heading; ``extract/data/columns.yaml``). A column whose URL is the
prefix of other columns is a channel (频道) that aggregates them. Rules get the tree from
``SiteInput.column_tree()`` (computed once per site), never rebuild it.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from urllib.parse import urldefrag, urlsplit, urlunsplit

from govinspect.core.types import SiteRef
from govinspect.extract.columns import category as column_category
from govinspect.extract.facts import PageFacts

# Categories whose content is a list of dated items: zero items there means a blank column.
# Static categories (概况, 机构职能, 领导信息, 信息公开指南, 办事服务 …) are judged by presence only.
ITEM_CATEGORIES = frozenset({"动态要闻", "通知公告", "政策文件", "政策解读", "人事", "规划计划",
                             "数据发布", "办事统计", "年度报告", "留言咨询", "调查征集", "在线访谈"})
EXPLAINED_MARKERS = ("无信息说明", "不涉及")

INDEX_RE = re.compile(r"^(index|default)(_\d+)?\.(s?html?|jsp|php|aspx?)$", re.I)
ARTICLE_RE = re.compile(r"/t\d{8}_\d+\.s?html?$|/art_\d+_\d+\.html$", re.I)
SKIP_TYPES = frozenset({"error", "search", "message_detail", "article", "policy"})


@dataclass(frozen=True)
class Column:
    url: str  # the column's address (its first list page's directory or URL)
    name: str | None
    category: str | None
    newest: str | None  # YYYY-MM-DD of the newest dated item
    items: int  # distinct dated items seen over all its pages
    blank: str | None  # None, "empty", "placeholder" or "explained"
    pages: tuple[str, ...]
    channel: bool  # aggregates sub-columns (not judged itself)
    top: bool  # no ancestor column of the same category (一级栏目)


def column_key(url: str) -> str | None:
    """The column address of a list page, or None when the URL is not an index-like page."""
    parts = urlsplit(urldefrag(url)[0])
    path = parts.path or "/"
    last = path.rsplit("/", 1)[-1]
    if last and not INDEX_RE.match(last):
        return None
    folder = path[: len(path) - len(last)]
    return urlunsplit((parts.scheme, parts.netloc.lower(), folder, "", ""))


def is_homepage(url: str, site: SiteRef) -> bool:
    key = column_key(url)
    return key is not None and key == column_key(site.homepage)


def page_category(page: PageFacts) -> str | None:
    """The column's category: the breadcrumb's last crumb names the column itself on a list
    page, so it wins over a site-wide meta ColumnName when it resolves to a category."""
    crumbs = [c for c in page.breadcrumb if c not in ("首页", "正文", "当前位置")]
    if crumbs:
        from_crumb = column_category(crumbs[-1])
        if from_crumb:
            return from_crumb
    return page.column_category


def blank_kind(page: PageFacts) -> str:
    """Which blank marker the page shows; extraction only says that it shows one."""
    texts = [page.title or "", page.main_text, *(link.text for link in page.links)]
    return "explained" if any(m in t for t in texts for m in EXPLAINED_MARKERS) else "placeholder"


def column_tree(pages: list[PageFacts], site: SiteRef) -> list[Column]:
    """The site's columns, from its list pages (see module doc)."""
    groups: dict[str, list[PageFacts]] = defaultdict(list)
    alias: dict[str, str] = {}  # pagination page URL -> column key
    for p in pages:
        if p.page_type in SKIP_TYPES and not p.list_items and not p.blank_column:
            continue
        if p.page_type in ("error", "search", "message_detail") or not p.column_name:
            continue
        if is_homepage(p.url, site):
            continue
        key = column_key(p.url)
        if key is None:
            # a list page at its own address (list.jsp?…); never a TRS article address
            if (p.page_type not in ("list", "message_list") or ARTICLE_RE.search(p.url)
                    or not (p.list_items or p.pagination or p.blank_column)):
                continue
            key = urldefrag(p.url)[0]
        groups[key].append(p)
        for other in p.pagination:
            alias.setdefault(urldefrag(other)[0], key)
    # a non-index pagination page captured on its own joins the column that links to it
    for key in list(groups):
        target = alias.get(key)
        if target and target != key and target in groups:
            groups[target].extend(groups.pop(key))
    keys = sorted(groups)
    columns: list[Column] = []
    for key in keys:
        ps = sorted(groups[key], key=lambda p: (len(p.url), p.url))
        first = ps[0]
        dated: dict[str, str] = {}
        for p in ps:
            for it in p.list_items:
                if it.date:
                    dated.setdefault(it.url, it.date)
            for m in p.messages:
                if m.asked_at:
                    dated.setdefault(f"{p.url}#{m.title}", m.asked_at[:10])
        blank = None
        if not dated:
            if any(p.blank_column for p in ps):
                blank = blank_kind(next(p for p in ps if p.blank_column))
            elif page_category(first) in ITEM_CATEGORIES and column_key(first.url):
                blank = "empty"
        channel = any(k != key and k.startswith(key) for k in keys)
        columns.append(Column(key, first.column_name, page_category(first),
                              max(dated.values()) if dated else None, len(dated), blank,
                              tuple(p.url for p in ps), channel, True))
    by_key = {c.url: c for c in columns}
    out = []
    for c in columns:
        ancestors = [by_key[k] for k in by_key if k != c.url and c.url.startswith(k)]
        top = not any(a.category == c.category for a in ancestors)
        out.append(Column(**{**c.__dict__, "top": top}))
    return out
