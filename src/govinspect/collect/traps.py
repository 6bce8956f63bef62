"""Crawler-trap detection (pure: no I/O, no Scrapy). Three kinds:

- ``session``: session ids in the URL (``;jsessionid=…``, ``?PHPSESSID=…``) make one page
  look like endless pages. The id is dropped from the dedupe key, so each page is crawled once;
  every further link that differs only by its session id is cut.
- ``calendar``: a date in the query (``?date=2024-05``, ``?year=2024&month=5``) outside the
  window around today. Calendars link the next and previous month without end.
- ``pagination``: a page number in the URL (``?page=N``, ``index_N.html``) whose pages repeat
  the same content (beyond the last real page servers keep answering an empty list), or a
  run of consecutive page numbers that passes ``max_pagination``.

Page numbers vs document and channel ids. A number at the end of a URL is read as a page
number only where it can be one: the shapes of document URLs (TRS ``t20260902_108699.htm``,
大汉 ``art_1229_5678.html``, ``content_123.html`` …) never are; a link whose anchor text is
a title ("关于…的通知", "政策文件") is content and is never cut, whatever its URL; a link that
looks like navigation ("2", "下一页", "尾页", no text) is pagination, but only a number
reached step by step (its predecessor seen in the same pattern) counts against
``max_pagination`` — a lone ``index_1937.html`` is a channel id, and the real last page a
"尾页" link jumps to is a page. Only pages reached as pagination are compared for repeated
content.

The guard keeps, per site, each trap pattern (the URL with the varying part replaced by
``*``) and how many URLs it cut; the crawl writes them into summary.json.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

SESSION_PARAMS = frozenset(
    "jsessionid phpsessid aspsessionid sessionid session_id sessid sid cfid cftoken "
    "zoneid_sid".split())
_PATH_SESSION = re.compile(r";(?:jsessionid|phpsessid|sessionid|sid)=[^/?#;]*", re.IGNORECASE)
_DATE_VALUE = re.compile(r"^(\d{4})(?:[-/.]?(\d{1,2}))?(?:[-/.]?(\d{1,2}))?$")
_DATE_PARAMS = frozenset("date day month year ym ymd yearmonth cal calendar riqi rq d m y "
                         "startdate enddate begindate".split())
_PAGE_PARAMS = frozenset("page pageno pagenum page_no pageindex pagenumber curpage currentpage "
                         "cur_page p pn pg paging start offset".split())
_PATH_PAGE = re.compile(r"(?<=[_-])(\d{1,6})(?=\.(?:s?html?|jsp|aspx?|php)$)", re.IGNORECASE)
# File names of documents, not of list pages: the number is an id (TRS t<date>_<id>, 大汉
# art_<channel>_<id>, and the common content/detail/post/article/info_<id> forms).
_DOC_NAME = re.compile(
    r"/(?:t\d{8}_\d+|art_\d+_\d+|(?:content|detail|post|article|info|doc|show)_\d+)"
    r"\.(?:s?html?|jsp|aspx?|php)$", re.IGNORECASE)
# Anchor text of pagination controls: page numbers, 上一页/下一页/首页/尾页, arrows. Anything
# else (a title, a channel name) is content.
_NAV_TEXT = re.compile(
    r"^(?:[\[(（【<《]?\s*(?:\d{1,6}|第\s*\d+\s*页|[上下前后首尾末]\s*一?\s*页|最后\s*一?\s*页|"
    r"[上下]\s*一?\s*[页篇]|下页|上页|next|prev(?:ious)?|first|last|more|go|跳转|"
    r"[»«›‹>]+|[<]+|\.{2,}|…+)\s*[\])）】>》]?\s*)+$", re.IGNORECASE)
REPEATS_TO_CUT = 2  # identical content on this many pages of one pattern → the rest is a trap


def strip_session(url: str) -> tuple[str, bool]:
    """``url`` without session ids, and whether it had any."""
    parts = urlsplit(url)
    path, n = _PATH_SESSION.subn("", parts.path)
    query = parts.query
    had = n > 0
    if query:
        pairs = parse_qsl(query, keep_blank_values=True)
        kept = [(k, v) for k, v in pairs if k.lower() not in SESSION_PARAMS]
        if len(kept) != len(pairs):
            had = True
            query = urlencode(kept)
    if not had:
        return url, False
    return urlunsplit((parts.scheme, parts.netloc, path, query, parts.fragment)), True


def _pattern(parts, path: str, query_pairs: list[tuple[str, str]], star: set[str]) -> str:
    q = "&".join(f"{k}={'*' if k.lower() in star else v}" for k, v in query_pairs)
    return f"{parts.netloc}{path}" + (f"?{q}" if q else "")


def calendar_date(url: str) -> tuple[str, date] | None:
    """(pattern, first day of the month) when the query carries a calendar date."""
    parts = urlsplit(url)
    if not parts.query:
        return None
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    named = {k.lower(): v for k, v in pairs if k.lower() in _DATE_PARAMS}
    if not named:
        return None
    year = month = None
    for k, v in named.items():
        m = _DATE_VALUE.match(v.strip())
        if not m:
            continue
        if m.group(2) or k not in ("month", "m", "day", "d"):
            y = int(m.group(1))
            year = year or y
            if m.group(2):
                month = month or int(m.group(2))
    if year is None:
        return None
    month = named.get("month") or named.get("m") or month
    try:
        month_i = int(month) if month is not None else 1
        when = date(max(1, min(year, 9999)), min(max(month_i, 1), 12), 1)
    except (TypeError, ValueError):
        return None
    return _pattern(parts, parts.path, pairs, set(named)), when


def pagination(url: str) -> tuple[str, int] | None:
    """(pattern, page number) when the URL carries what can be a page number."""
    parts = urlsplit(url)
    pairs = parse_qsl(parts.query, keep_blank_values=True) if parts.query else []
    for k, v in pairs:
        if k.lower() in _PAGE_PARAMS and v.isdigit() and len(v) <= 9:
            return _pattern(parts, parts.path, pairs, {k.lower()}), int(v)
    m = _PATH_PAGE.search(parts.path)
    if m and not _DOC_NAME.search(parts.path):
        path = parts.path[:m.start()] + "*" + parts.path[m.end():]
        return _pattern(parts, path, pairs, set()), int(m.group(1))
    return None


def is_navigation(text: str | None) -> bool:
    """Whether a link's anchor text is that of a pagination control (or there is none)."""
    text = (text or "").strip()
    return not text or bool(_NAV_TEXT.match(text))


@dataclass
class TrapNote:
    kind: str  # "session" | "calendar" | "pagination"
    pattern: str
    cut: int = 0


@dataclass
class TrapGuard:
    """Per-site trap state. ``allow`` says whether to crawl a URL; ``observe`` feeds back a
    crawled pagination page's content fingerprint."""

    today: date
    calendar_past_years: int = 2
    calendar_future_years: int = 1
    max_pagination: int = 1000
    notes: dict[tuple[str, str], TrapNote] = field(default_factory=dict)
    _fingerprints: dict[str, dict[str, int]] = field(default_factory=dict)
    _trapped: set[str] = field(default_factory=set)
    # pattern → page numbers admitted as pagination (links that look like navigation)
    _numbers: dict[str, set[int]] = field(default_factory=dict)

    def cut(self, kind: str, pattern: str, n: int = 1) -> None:
        note = self.notes.setdefault((kind, pattern), TrapNote(kind, pattern))
        note.cut += n
        if kind == "pagination":
            self._trapped.add(pattern)

    def trap(self, pattern: str) -> None:
        """Mark a pagination pattern as a trap (resume: it was found so before)."""
        self._trapped.add(pattern)
        self.notes.setdefault(("pagination", pattern), TrapNote("pagination", pattern))

    def admit(self, url: str) -> None:
        """Record ``url`` as reached by pagination (resume: the journal says it was)."""
        pag = pagination(url)
        if pag is not None:
            self._numbers.setdefault(pag[0], set()).add(pag[1])

    def is_pagination(self, url: str, text: str | None) -> bool:
        """Whether a link to ``url`` with anchor ``text`` is followed as pagination."""
        return is_navigation(text) and pagination(url) is not None

    def allow(self, url: str, had_session: bool = False, already_seen: bool = False,
              text: str | None = None) -> bool:
        """False (and the cut counted) when ``url`` is inside a detected trap. ``text``: the
        anchor text of the link (None: unknown, read as navigation)."""
        if had_session:
            if already_seen:
                self.cut("session", _session_pattern(url))
                return False
            self.notes.setdefault(("session", _session_pattern(url)),
                                  TrapNote("session", _session_pattern(url)))
        cal = calendar_date(url)
        if cal is not None:
            pattern, when = cal
            lo = date(max(1, self.today.year - self.calendar_past_years), 1, 1)
            hi = date(min(9999, self.today.year + self.calendar_future_years), 12, 31)
            if not lo <= when <= hi:
                self.cut("calendar", pattern)
                return False
        if not is_navigation(text):
            return True  # linked as content: never cut as pagination
        pag = pagination(url)
        if pag is not None:
            pattern, number = pag
            numbers = self._numbers.setdefault(pattern, set())
            stepwise = number - 1 in numbers
            if pattern in self._trapped or (number > self.max_pagination and stepwise):
                self.cut("pagination", pattern)
                return False
            numbers.add(number)
        return True

    def observe(self, url: str, fingerprint: str) -> bool:
        """A page reached by pagination was crawled; identical content on several pages of one
        pattern means the numbers run on past the real pages. True when that makes the
        pattern a trap now."""
        pag = pagination(url)
        if pag is None or pag[1] not in self._numbers.get(pag[0], ()):
            return False
        seen = self._fingerprints.setdefault(pag[0], {})
        seen[fingerprint] = seen.get(fingerprint, 0) + 1
        if seen[fingerprint] >= REPEATS_TO_CUT and pag[0] not in self._trapped:
            self.trap(pag[0])
            return True
        return False

    def report(self) -> list[dict]:
        return [{"kind": n.kind, "pattern": n.pattern, "cut": n.cut}
                for n in self.notes.values() if n.cut]


def _session_pattern(url: str) -> str:
    """``host/*;jsessionid=*`` or ``host/*?sid=*``: one note per host and session parameter."""
    parts = urlsplit(url)
    m = _PATH_SESSION.search(parts.path)
    if m:
        return f"{parts.netloc}/*{m.group(0).split('=')[0]}=*"
    pairs = parse_qsl(parts.query, keep_blank_values=True) if parts.query else []
    q = "&".join(f"{k}=*" for k, _ in pairs if k.lower() in SESSION_PARAMS)
    return f"{parts.netloc}/*?{q}"
