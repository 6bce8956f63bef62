"""Items of list and home pages (title, URL, date), pagination, blank-column markers."""

from __future__ import annotations

import re
from datetime import datetime
from urllib.parse import urljoin

from govinspect.extract import dates
from govinspect.extract.cues import load
from govinspect.extract.dom import Doc, clean, links, text_of
from govinspect.extract.facts import ListItem

ROW_TAGS = {"li", "tr", "dl", "p", "dd", "dt"}
PAGER_TEXT = re.compile(r"^(?:下一页|上一页|下页|上页|尾页|末页|首页|\d{1,4}|>|<|»|«|>>|<<|下一页>|<上一页)$")
PAGER_HREF = re.compile(r"(?:index_\d+\.s?html?|[?&](?:page|pageNo|pageIndex|pageNum|p|curpage)=\d+"
                        r"|list_\d+_\d+\.s?html?|_\d+\.s?html?$)", re.I)
PAGER_BOX = re.compile(r"page|pager|pagination|fenye|pagebar|pages", re.I)
RECORD_RE = re.compile(r"recordCount\s*[:=]\s*['\"]?(\d+)", re.I)
PERPAGE_RE = re.compile(r"(?:prepage|perpage|pageSize|perPage)\s*[:=]\s*['\"]?(\d+)", re.I)
COUNTPAGE_RE = re.compile(r"createPageHTML\(\s*['\"]?(\d+)['\"]?\s*,\s*['\"]?(\d+)", re.I)
MAX_ITEM_TEXT = 300
_UNSEEN = object()
_DIGIT = re.compile(r"\d")  # both date patterns need one (Unicode digits included, as theirs)


def _row(a):
    """The smallest enclosing row element of a link (li, tr, dl …), at most 4 levels up."""
    el = a.getparent()
    for _ in range(4):
        if el is None:
            return None
        tag = el.tag
        if tag in ROW_TAGS:
            # a <dd> holding only the link: its row is the enclosing <dl>
            if tag == "dd" or tag == "dt":
                parent = el.getparent()
                if parent is not None and parent.tag == "dl":
                    return parent
            return el
        el = el.getparent()
    return None


def _row_text(row) -> str | None:
    """The row's text, or None when it cannot show a list date (no digit, or too long)."""
    try:
        raw = text_of(row)
    except ValueError:
        return None
    if _DIGIT.search(raw) is None:
        return None  # no date without a digit: 9 rows in 10 on real pages, clean() skipped
    row_text = clean(raw)
    return row_text if len(row_text) <= MAX_ITEM_TEXT else None


def list_items(doc: Doc, anchor: datetime | None) -> list[ListItem]:
    """Every link whose row shows a date. Dates without a year get one from ``anchor``."""
    items: list[ListItem] = []
    seen: set[tuple[str, str]] = set()
    # row → _row_text, once per row: a layout row holding a menu (7 000 characters on a real
    # page) was read again for each of its links, the bulk of the text read here
    row_texts: dict = {}
    for url, text, a in links(doc):
        if len(text) < 2:
            continue
        row = _row(a)
        if row is None:
            continue
        row_text = row_texts.get(row, _UNSEEN)
        if row_text is _UNSEEN:
            row_text = row_texts[row] = _row_text(row)
        if row_text is None:
            continue
        rest = row_text.replace(text, " ", 1)
        m = dates.DATE_RE.search(rest)
        day = dates.make_date(*m.group(1, 2, 3)) if m else None
        if day is None:
            m = dates.SHORT_DATE_RE.search(rest)
            if m and anchor is not None:
                day = dates.infer_year(int(m.group(1)), int(m.group(2)), anchor)
        if day is None:
            continue
        title = clean(a.get("title"))
        if len(title) <= len(text):
            title = text
        key = (url, title)
        if key in seen:
            continue
        seen.add(key)
        items.append(ListItem(title=title, url=url, date=day.isoformat()))
    return items


def pagination(doc: Doc) -> tuple[list[str], int | None, int | None, int | None]:
    """(page URLs, record count, per page, page count).

    Static pager links first; TRS pagers that exist only in script (``pageChnlInfo``,
    ``createPageHTML``) give the record count and per-page size, from which the TRS page
    URLs (``index_1.htm`` …) are derived.
    """
    pages: list[str] = []
    for url, text, a in links(doc):
        # PAGER_TEXT matches at most 4 characters (5 with a final newline): most links stop here.
        # (A former "elif" for 下一页/尾页/末页/下页 links was unreachable: those texts match
        # PAGER_TEXT, and its PAGER_HREF test is the one that just failed.)
        if len(text) > 5 or not PAGER_TEXT.match(text):
            continue
        if not PAGER_HREF.search(url):
            parent = a.getparent()
            box = " ".join(filter(None, [a.get("class"),
                                         parent.get("class") if parent is not None else None,
                                         parent.get("id") if parent is not None else None]))
            if not PAGER_BOX.search(box):
                continue
        if url not in pages and url.split("#")[0] != doc.url:
            pages.append(url)
    record = per_page = page_count = None
    script = "\n".join(s for s in doc.scripts if "record" in s.lower() or "createPage" in s)
    m = RECORD_RE.search(script)
    if m:
        record = int(m.group(1))
        p = PERPAGE_RE.search(script)
        if p and int(p.group(1)) > 0:
            per_page = int(p.group(1))
            page_count = -(-record // per_page)
    m = COUNTPAGE_RE.search(script)
    if m and page_count is None:
        page_count = int(m.group(1))
    if not pages and page_count and page_count > 1 and doc.url:
        ext = ".htm" if doc.url.endswith((".htm", "/")) else ".html"
        base = doc.url if doc.url.endswith("/") else doc.url.rsplit("/", 1)[0] + "/"
        try:
            pages = [urljoin(base, f"index_{i}{ext}") for i in range(1, min(page_count, 50))]
        except ValueError:  # a page URL with a malformed host
            pages = []
    return pages, record, per_page, page_count


def is_blank_column(doc: Doc, items: list[ListItem]) -> bool:
    if items:
        return False
    markers = load("columns.yaml")["blank_markers"]
    return any(m in doc.text for m in markers)
