"""Crawler-trap detection (pure: no I/O, no Scrapy). Three kinds:

- ``session``: session ids in the URL (``;jsessionid=…``, ``?PHPSESSID=…``) make one page
  look like endless pages. The id is dropped from the dedupe key, so each page is crawled once;
  every further link that differs only by its session id is cut.
- ``calendar``: a date in the query (``?date=2024-05``, ``?year=2024&month=5``) outside the
  window around today. Calendars link the next and previous month without end.
- ``pagination``: a page number in the URL (``?page=N``, ``index_N.html``) whose pages repeat
  the same content (beyond the last real page servers keep answering an empty list), or whose
  number exceeds ``max_pagination``.

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
    """(pattern, page number) when the URL carries a page number."""
    parts = urlsplit(url)
    pairs = parse_qsl(parts.query, keep_blank_values=True) if parts.query else []
    for k, v in pairs:
        if k.lower() in _PAGE_PARAMS and v.isdigit():
            return _pattern(parts, parts.path, pairs, {k.lower()}), int(v)
    m = _PATH_PAGE.search(parts.path)
    if m:
        path = parts.path[:m.start()] + "*" + parts.path[m.end():]
        return _pattern(parts, path, pairs, set()), int(m.group(1))
    return None


@dataclass
class TrapNote:
    kind: str  # "session" | "calendar" | "pagination"
    pattern: str
    cut: int = 0


@dataclass
class TrapGuard:
    """Per-site trap state. ``allow`` says whether to crawl a URL; ``observe`` feeds back a
    crawled page's content fingerprint."""

    today: date
    calendar_past_years: int = 2
    calendar_future_years: int = 1
    max_pagination: int = 1000
    notes: dict[tuple[str, str], TrapNote] = field(default_factory=dict)
    _fingerprints: dict[str, dict[str, int]] = field(default_factory=dict)
    _trapped: set[str] = field(default_factory=set)

    def cut(self, kind: str, pattern: str, n: int = 1) -> None:
        note = self.notes.setdefault((kind, pattern), TrapNote(kind, pattern))
        note.cut += n

    def allow(self, url: str, had_session: bool = False, already_seen: bool = False) -> bool:
        """False (and the cut counted) when ``url`` is inside a detected trap."""
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
        pag = pagination(url)
        if pag is not None:
            pattern, number = pag
            if pattern in self._trapped or number > self.max_pagination:
                self._trapped.add(pattern)
                self.cut("pagination", pattern)
                return False
        return True

    def observe(self, url: str, fingerprint: str) -> None:
        """A paginated page was crawled; identical content on several pages of one pattern
        means the numbers run on past the real pages."""
        pag = pagination(url)
        if pag is None:
            return
        seen = self._fingerprints.setdefault(pag[0], {})
        seen[fingerprint] = seen.get(fingerprint, 0) + 1
        if seen[fingerprint] >= REPEATS_TO_CUT:
            self._trapped.add(pag[0])
            self.notes.setdefault(("pagination", pag[0]), TrapNote("pagination", pag[0]))

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
