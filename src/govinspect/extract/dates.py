"""Dates on Chinese government pages, split like htmldate: candidates → validators → choice.

Publication (发布日期) and written (成文日期) dates are separate candidates and never mixed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from govinspect.extract.cues import load

_CN_DIGITS = {"〇": 0, "○": 0, "零": 0, "Ｏ": 0, "O": 0, "一": 1, "二": 2, "三": 3, "四": 4,
              "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}

# 2022-07-27, 2022/7/27, 2022.07.27, 2022年7月27日, 2022 年 7 月 27 日, optional time.
DATE = (r"(?<!\d)((?:19|20)\d{2})\s*(?:年|-|/|\.)\s*(\d{1,2})\s*(?:月|-|/|\.)\s*(\d{1,2})(?!\d)\s*日?"
        r"(?:\s*(\d{1,2})\s*[:：时]\s*(\d{2})(?:\s*[:：分]\s*(\d{2}))?)?")
DATE_RE = re.compile(DATE)
CN_DATE_RE = re.compile(r"([〇○零一二三四五六七八九Ｏ]{4})\s*年\s*([一二三四五六七八九十]{1,3})\s*月"
                        r"\s*([一二三四五六七八九十]{1,3})\s*日")
SHORT_DATE_RE = re.compile(r"(?<![\d\-/.])(\d{1,2})\s*(?:-|/|月)\s*(\d{1,2})(?![\d\-/.:])\s*日?")
LABEL_RE = re.compile(r"([\u4e00-\u9fff]{0,6}?(?:时间|日期))\s*[:：]?\s*[\[（(【]?\s*" + DATE)
RELATIVE_RE = re.compile(r"(\d{1,3})\s*(分钟|小时|天|日)前|(今天|今日|昨天|昨日|前天)")
_URL_PATTERNS = (
    re.compile(r"/t((?:19|20)\d{2})(\d{2})(\d{2})_\d+"),  # TRS: /202206/t20220627_123.html
    re.compile(r"/art/((?:19|20)\d{2})/(\d{1,2})/(\d{1,2})/"),  # 浙江 JCMS
    re.compile(r"/((?:19|20)\d{2})-(\d{2})[/-](\d{2})/"),  # /2019-04/18/content_…
    re.compile(r"/((?:19|20)\d{2})(\d{2})(\d{2})/"),  # /20220627/
    re.compile(r"[/_]((?:19|20)\d{2})(\d{2})(\d{2})\d{0,6}[_.]"),
)
_URL_MONTH = re.compile(r"/((?:19|20)\d{2})(\d{2})/")


@dataclass(frozen=True)
class Candidate:
    """One date found somewhere, before choice."""

    value: date
    time: str | None  # HH:MM[:SS]
    source: str  # label / meta / headline / url / script / signature
    label: str = ""
    weight: int = 0
    position: int = 0


def _cn_number(s: str) -> int:
    if "十" in s:
        tens, _, ones = s.partition("十")
        return (_CN_DIGITS.get(tens, 1) if tens else 1) * 10 + (_CN_DIGITS.get(ones, 0) if ones else 0)
    return int("".join(str(_CN_DIGITS.get(c, 0)) for c in s))


def make_date(y, m, d) -> date | None:
    try:
        return date(int(y), int(m), int(d))
    except (ValueError, TypeError):
        return None


def _time(groups) -> str | None:
    hh, mm, ss = groups
    if hh is None or mm is None:
        return None
    try:
        h, m = int(hh), int(mm)
    except ValueError:
        return None
    if h > 23 or m > 59:
        return None
    return f"{h:02d}:{m:02d}" + (f":{int(ss):02d}" if ss else "")


def parse_date(text: str, anchor: datetime | None = None) -> tuple[date, str | None] | None:
    """The first date in ``text``: numeric, Chinese numerals, or relative to ``anchor``."""
    if not text:
        return None
    m = DATE_RE.search(text)
    if m:
        d = make_date(*m.group(1, 2, 3))
        if d:
            return d, _time(m.group(4, 5, 6))
    m = CN_DATE_RE.search(text)
    if m:
        d = make_date(_cn_number(m.group(1)), _cn_number(m.group(2)), _cn_number(m.group(3)))
        if d:
            return d, None
    if anchor is not None:
        rel = parse_relative(text, anchor)
        if rel:
            return rel.date(), None
        m = SHORT_DATE_RE.search(text)
        if m:
            d = infer_year(int(m.group(1)), int(m.group(2)), anchor)
            if d:
                return d, None
    return None


def parse_relative(text: str, anchor: datetime) -> datetime | None:
    """``昨天`` / ``3小时前`` / ``5天前`` anchored on the capture time."""
    m = RELATIVE_RE.search(text)
    if not m:
        return None
    if m.group(3):
        return anchor - timedelta(days=load("dates.yaml")["relative_days"].get(m.group(3), 0))
    n = int(m.group(1))
    unit = m.group(2)
    delta = {"分钟": timedelta(minutes=n), "小时": timedelta(hours=n)}.get(unit, timedelta(days=n))
    return anchor - delta


def infer_year(month: int, day: int, anchor: datetime) -> date | None:
    """A list date without the year (``10-11``): the latest such date not after the anchor."""
    d = make_date(anchor.year, month, day)
    if d is None:
        return make_date(anchor.year - 1, month, day)
    if d > anchor.date() + timedelta(days=1):
        return make_date(anchor.year - 1, month, day)
    return d


def url_date(url: str) -> date | None:
    """A date encoded in the URL path (t20220627_…, /art/2016/11/22/, /20220627/)."""
    for pattern in _URL_PATTERNS:
        m = pattern.search(url or "")
        if m:
            d = make_date(*m.groups())
            if d:
                return d
    return None


def url_month(url: str) -> tuple[int, int] | None:
    m = _URL_MONTH.search(url or "")
    if m and 1 <= int(m.group(2)) <= 12:
        return int(m.group(1)), int(m.group(2))
    return None


def classify_label(label: str) -> tuple[str, int]:
    """('pub'|'written'|'ignore', weight) for the text right before a date."""
    cues = load("dates.yaml")
    for w in cues["written_labels"]:
        if label.endswith(w):
            return "written", 10
    for w in cues["ignore_labels"]:
        if label.endswith(w):
            return "ignore", 0
    best = 0
    for w, weight in cues["pub_labels"].items():
        if label.endswith(w) and weight > best:
            best = weight
    return ("pub", best) if best else ("ignore", 0)


REL_LABEL_RE = re.compile(r"([\u4e00-\u9fff]{0,6}?(?:时间|日期))\s*[:：]\s*"
                          r"(\d{1,3}\s*(?:分钟|小时|天)前|今天|今日|昨天|昨日|前天)")


_LABEL_WORD = re.compile("时间|日期")
_LABEL_REACH = 6  # the most characters LABEL_RE and REL_LABEL_RE allow before the label word


def _label_matches(pattern: re.Pattern, text: str):
    """``pattern.finditer(text)`` for LABEL_RE and REL_LABEL_RE, tried only at the few starts
    within ``_LABEL_REACH`` characters before a 时间/日期: the same matches, 7x faster than
    the regex scanning every position of the page text (measured on real pages)."""
    pos = 0  # where finditer would go on scanning
    tried = 0  # every start below this was tried, without a match
    for word in _LABEL_WORD.finditer(text):
        at = word.start()
        if at < pos:
            continue
        for start in range(max(pos, tried, at - _LABEL_REACH), at + 1):
            m = pattern.match(text, start)
            if m:
                yield m
                pos = m.end()
                break
        tried = at + 1


def labelled_candidates(text: str, anchor: datetime | None = None
                        ) -> tuple[list[Candidate], list[Candidate]]:
    """(publication, written) candidates from ``标签：日期`` pairs in the visible text.
    Relative dates (``发布时间：3小时前``) count only with a capture time to anchor them."""
    pub: list[Candidate] = []
    written: list[Candidate] = []
    for m in _label_matches(LABEL_RE, text):
        kind, weight = classify_label(m.group(1))
        if kind == "ignore":
            continue
        d = make_date(*m.group(2, 3, 4))
        if d is None:
            continue
        c = Candidate(d, _time(m.group(5, 6, 7)), "label", m.group(1), weight, m.start())
        (pub if kind == "pub" else written).append(c)
    if anchor is not None:
        for m in _label_matches(REL_LABEL_RE, text):
            kind, weight = classify_label(m.group(1))
            when = parse_relative(m.group(2), anchor)
            if kind == "pub" and when is not None:
                pub.append(Candidate(when.date(), when.strftime("%H:%M") if "前" in m.group(2)
                                     and ("小时" in m.group(2) or "分钟" in m.group(2)) else None,
                                     "relative", m.group(1), weight, m.start()))
    return pub, written


_LABEL_BEFORE = re.compile(r"([\u4e00-\u9fff]{0,6}?(?:时间|日期))\s*[:：]?\s*[\[（(【]?\s*$")


_ISSUER_LINE = re.compile(r"(?:人民政府|政府|委员会|管委会|办公室|办公厅|局|厅|委|办|部|院|中心|"
                          r"总队|调查队|队)$")


def caption_date(text: str, start: int, end: int) -> bool:
    """Is the date at ``text[start:end]`` a document's 题注: a line of its own (bare or in
    brackets) under the issuers' line (``宜春市统计局 国家统计局宜春调查队`` then ``（2023年4月12日）``)?
    That is the date of the document, not of the web page; a bracketed date right under the
    headline (``(2024年03月23日)``) is the page's."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line = text[line_start:line_end if line_end >= 0 else len(text)].strip()
    date_text = text[start:end].strip()
    if line not in (date_text, f"（{date_text}）", f"({date_text})"):
        return False
    prev = text[:line_start].rstrip("\n")
    prev_line = prev[prev.rfind("\n") + 1:].strip()
    return bool(prev_line) and bool(_ISSUER_LINE.search(prev_line)) and len(prev_line) <= 40


def unlabelled_date(text: str) -> tuple[date, str | None] | None:
    """The first date in ``text`` that is not labelled as something other than publication
    (``成文日期：…``, ``留言时间：…`` are skipped) and is not a document's 题注 or issuer date."""
    for m in DATE_RE.finditer(text):
        label = _LABEL_BEFORE.search(text[max(0, m.start() - 12):m.start()])
        if label and classify_label(label.group(1))[0] != "pub":
            continue
        if caption_date(text, m.start(), m.end()):
            continue
        d = make_date(*m.group(1, 2, 3))
        if d:
            return d, _time(m.group(4, 5, 6))
    return None


def plausible(d: date, anchor: datetime | None, not_before: date | None = None) -> bool:
    cues = load("dates.yaml")
    if d.year < cues["min_year"]:
        return False
    if not_before and d < not_before:
        return False
    if anchor is not None and d > anchor.date() + timedelta(days=cues["max_future_days"]):
        return False
    return True


def iso(d: date | None) -> str | None:
    return d.isoformat() if d else None
