"""What only a person can judge, as filled-in tables (pure: rows in, records and Chinese
problem lines out; no file access, no Django).

Three sheets, one template workbook (``govinspect review template``):

* 模拟咨询 — simulated 咨询 questions: site, question, asked at, answered at (blank: no
  answer), whether the answer was effective (a 推诿/敷衍 answer is 否), note;
* 人工检查问题 — manual findings (W-D16 信息提交, W-D17 统一登录, W-D19 办理答复 …): site or
  account code, indicator id, item (its key or its sentence; blank when the indicator has one
  item), description, evidence URL (blank: the site's homepage / the account), points (blank:
  the indicator set's points; a number overrides them for this finding);
* 政务新媒体检查 — per account: time of the last post (NM-V2 is scored from it), whether the
  interaction function works (否 ⇒ an NM-V3 finding), menus with their last update, notes.

The same column lists drive the template, the reader and the export of a round's entries, so
an exported workbook imports back unchanged. Every problem names the sheet, the row as Excel
numbers it, and the column.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from govinspect.core.indicator_sets import IndicatorSet, dec
from govinspect.core.roster import Table
from govinspect.core.sheets import (
    NO,
    YES,
    Column,
    RowProblems,
    blank_required,
    cell_text,
    normalize_header,
    sheet_rows,
)
from govinspect.core.types import Evidence, Finding
from govinspect.rules.manual import MANUAL_ENTRY

HELP_SHEET = "说明"
INDICATOR_SHEET = "指标与扣分项"
MANUAL_RULE = MANUAL_ENTRY.id  # GI-M001: a finding entered by hand


class Sheet(StrEnum):
    INQUIRY = "模拟咨询"
    FINDING = "人工检查问题"
    ACCOUNT = "政务新媒体检查"


POINTS_HEADER = "扣分(可选)"

INQUIRY_COLUMNS: tuple[Column, ...] = (
    Column("网站标识码", True, "被咨询网站的网站标识码（10位数字），须为本轮检查的网站。", "3411000001"),
    Column("问题", True, "模拟网民提出的问题。", "请问居住证办理需要提供哪些材料？", allow_empty=True),
    Column("提问时间", True, "提交问题的时间，如 2022-06-24 15:30（单元格可为日期时间格式）。",
           "2022-06-24 15:30"),
    Column("答复时间", True, "收到答复的时间；未答复留空。", "2022-06-27 09:40", allow_empty=True),
    Column("答复是否有效", True, "填“是”或“否”；推诿、敷衍的答复填“否”（视为未答复）。"
           "留空时：有答复时间视为“是”。", YES, allow_empty=True),
    Column("备注", False, "可选。", "", allow_empty=True),
)

FINDING_COLUMNS: tuple[Column, ...] = (
    Column("网站标识码或账号标识码", True, "网站标识码（10位数字）或政务新媒体账号标识码。",
           "3411000001"),
    Column("指标", True, "指标编号，如 W-D16、W-D17、W-D19、NM-V3（见“指标与扣分项”工作表）。", "W-D16"),
    Column("扣分项", True, "扣分项代码或其说明（见“指标与扣分项”工作表）；指标只有一个扣分项时可留空。",
           "cannot_submit", allow_empty=True),
    Column("问题描述", True, "发现的问题，将写入问题清单。", "互动栏目无法提交留言，提交后提示系统错误"),
    Column("证据网址", True, "问题所在网址；留空时为网站首页或账号本身。",
           "https://www.example.gov.cn/hdjl/", allow_empty=True),
    Column(POINTS_HEADER, False, "可选。留空按指标体系规定的分值扣分；填写数字则该条问题按此分值计。",
           "", allow_empty=True),
)

ACCOUNT_COLUMNS: tuple[Column, ...] = (
    Column("账号标识码", True, "政务新媒体账号标识码，须在名录中。", "341100M007XL0002"),
    Column("最后发布时间", True, "检查时看到的最后一条内容的发布时间；不清楚留空（不判断是否更新）。",
           "2022-06-20 17:12", allow_empty=True),
    Column("互动功能是否可用", True, "填“是”或“否”；填“否”记为“互动回应差”（NM-V3，单项否决）；"
           "未检查留空。", YES, allow_empty=True),
    Column("菜单及最后更新时间", False, "可选。每个菜单写“菜单名 日期”，多个用分号分隔，"
           "如“办事服务 2022-06-01；联系我们 2022-05-03”。", "", allow_empty=True),
    Column("备注", False, "可选。", "", allow_empty=True),
)

COLUMNS: dict[Sheet, tuple[Column, ...]] = {
    Sheet.INQUIRY: INQUIRY_COLUMNS, Sheet.FINDING: FINDING_COLUMNS, Sheet.ACCOUNT: ACCOUNT_COLUMNS,
}

_SITE_CODE = re.compile(r"\d{10}")
_ACCOUNT_CODE = re.compile(r"[0-9A-Z]{6,32}")
_DATE = (r"(?P<y>\d{4})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*日?")
_TIME = (r"(?:\s*[T ]?\s*(?P<H>\d{1,2})\s*[:：时点]\s*(?:(?P<M>\d{1,2})\s*分?)?"
         r"(?:\s*[:：]\s*(?P<S>\d{1,2})\s*秒?)?)?")
_WHEN = re.compile(_DATE + _TIME)
_MENU_SPLIT = re.compile(r"[;；\n]+")
_MENU_DATE = re.compile(r"[\s：:，,]*(" + _DATE + _TIME + r")\s*$")


# ── records ──────────────────────────────────────────────────────────────────────────────

@dataclass(frozen=True)
class InquiryRow:
    site_code: str
    asked_at: dt.datetime
    answered_at: dt.datetime | None
    effective: bool
    question: str = ""
    note: str = ""
    where: str = ""

    def values(self) -> list[object]:
        return [self.site_code, self.question, _naive(self.asked_at), _naive(self.answered_at),
                YES if self.effective else NO, self.note]


@dataclass(frozen=True)
class FindingRow:
    subject: str
    subject_kind: str  # "site" | "account"
    indicator_id: str
    item: str
    message: str
    url: str = ""  # blank: the subject itself (homepage / account)
    points: Decimal | None = None
    where: str = ""

    def values(self) -> list[object]:
        return [self.subject, self.indicator_id, self.item, self.message, self.url,
                float(self.points) if self.points is not None else None]

    def to_core(self, evidence_url: str, *, entered_by: str = "") -> Finding:
        """The engine's finding. ``evidence_url`` is ``url`` or, when blank, the subject's."""
        details: dict = {"manual": True}
        if entered_by:
            details["entered_by"] = entered_by
        if self.points is not None:
            details["points"] = str(self.points)
        return Finding(rule_id=MANUAL_RULE,
                       indicator_id=self.indicator_id, subject=self.subject,
                       message=self.message, evidence=Evidence(url=self.url or evidence_url),
                       item=self.item, details=details)


@dataclass(frozen=True)
class AccountCheckRow:
    account_code: str
    last_post_at: dt.datetime | None
    interaction_ok: bool | None
    menus: tuple[tuple[str, dt.datetime | None], ...] = ()
    notes: str = ""
    where: str = ""

    def menus_json(self) -> list[dict]:
        return [{"menu": name, "last_updated": when.isoformat() if when else None}
                for name, when in self.menus]

    def values(self) -> list[object]:
        return [self.account_code, _naive(self.last_post_at),
                "" if self.interaction_ok is None else (YES if self.interaction_ok else NO),
                menus_text(self.menus), self.notes]


@dataclass
class ParsedManual:
    inquiries: list[InquiryRow] = field(default_factory=list)
    findings: list[FindingRow] = field(default_factory=list)
    accounts: list[AccountCheckRow] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.inquiries or self.findings or self.accounts)


# ── cells ────────────────────────────────────────────────────────────────────────────────

def _naive(value: dt.datetime | None) -> dt.datetime | None:
    """Excel has no time zones: cells hold the local wall time."""
    return value.replace(tzinfo=None) if value is not None else None


def parse_when(value: object, tz: dt.tzinfo, *, end_of_day: bool = False) -> dt.datetime:
    """A cell as an aware datetime in ``tz`` (naive values are local wall time).

    Accepts Excel date/time cells and text such as 2022-06-24 15:30, 2022/6/24 15:30,
    2022年6月24日15时30分, 2022-06-24T15:30:00+08:00. A date without a time is 00:00, or
    23:59:59 with ``end_of_day`` (a post "on 6月20日" may have been late that day).
    Raises ValueError with the text that could not be read.
    """
    if isinstance(value, dt.datetime):
        when = value
    elif isinstance(value, dt.date):
        when = dt.datetime.combine(value, dt.time(23, 59, 59) if end_of_day else dt.time())
    else:
        text = cell_text(value)
        try:
            when = dt.datetime.fromisoformat(text)
        except ValueError:
            m = _WHEN.fullmatch(text)
            if not m:
                raise ValueError(text) from None
            has_time = m.group("H") is not None
            try:
                when = dt.datetime(int(m["y"]), int(m["m"]), int(m["d"]),
                                   int(m["H"] or 0), int(m["M"] or 0), int(m["S"] or 0))
            except ValueError:
                raise ValueError(text) from None
            if end_of_day and not has_time:
                when = when.replace(hour=23, minute=59, second=59)
        else:
            if end_of_day and len(text) <= 10:
                when = when.replace(hour=23, minute=59, second=59)
    return when if when.tzinfo else when.replace(tzinfo=tz)


def _yes_no(text: str) -> bool | None:
    return {YES: True, NO: False, "有效": True, "无效": False, "可用": True,
            "不可用": False}.get(text)


def menus_text(menus: Iterable[tuple[str, dt.datetime | None]]) -> str:
    parts = []
    for name, when in menus:
        if when is None:
            parts.append(name)
        elif when.time() == dt.time():
            parts.append(f"{name} {when.date().isoformat()}")
        else:
            parts.append(f"{name} {when.strftime('%Y-%m-%d %H:%M')}")
    return "；".join(parts)


def parse_menus(text: str, tz: dt.tzinfo) -> tuple[tuple[str, dt.datetime | None], ...]:
    out = []
    for part in _MENU_SPLIT.split(text):
        part = part.strip()
        if not part:
            continue
        m = _MENU_DATE.search(part)
        if m and part[:m.start()].strip():
            out.append((part[:m.start()].strip(), parse_when(m.group(1), tz)))
        else:
            out.append((part, None))
    return tuple(out)


# ── indicators ───────────────────────────────────────────────────────────────────────────

def resolve_indicator(iset: IndicatorSet, text: str) -> str | None:
    wanted = text.strip().upper().replace("－", "-").replace("—", "-")
    return wanted if wanted in iset.indicators else None


def resolve_item(iset: IndicatorSet, indicator_id: str, text: str) -> tuple[str | None, str]:
    """The item key for what the office wrote (the key, its sentence or its problem phrase).
    Returns (key, "") or (None, why)."""
    items = iset.indicators[indicator_id].get("items") or {}
    text = text.strip()
    if not text:
        if len(items) == 1:
            return next(iter(items)), ""
        if not items:
            return "", ""
        return None, "不能为空：" + _item_choices(iset, indicator_id)
    if text in items:
        return text, ""
    for key, entry in items.items():
        entry = entry or {}
        if text in (entry.get("sentence"), entry.get("problem"), entry.get("name")):
            return key, ""
    return None, f"“{text}”不是 {indicator_id} 的扣分项：" + _item_choices(iset, indicator_id)


def item_label(iset: IndicatorSet, indicator_id: str, key: str) -> str:
    entry = (iset.indicators[indicator_id].get("items") or {}).get(key) or {}
    return entry.get("sentence") or entry.get("problem") or iset.sentence(indicator_id)


def _item_choices(iset: IndicatorSet, indicator_id: str) -> str:
    items = iset.indicators[indicator_id].get("items") or {}
    return "应为 " + "、".join(f"{k}（{item_label(iset, indicator_id, k)}）" for k in items) + " 之一"


def apply_point_overrides(iset: IndicatorSet, findings: Iterable[Finding]
                          ) -> tuple[IndicatorSet, list[Finding]]:
    """Findings whose ``details["points"]`` overrides the set's points: give each such value
    its own item (``<item>@<points>``, same flags) in a copy of the set, so the engine stays
    the only place that adds points and its trace shows the override."""
    indicators = dict(iset.indicators)
    out: list[Finding] = []
    for f in findings:
        points = (f.details or {}).get("points")
        if points is None or f.indicator_id not in indicators:
            out.append(f)
            continue
        indicator = dict(indicators[f.indicator_id])
        items = dict(indicator.get("items") or {})
        base = dict(iset.item(f.indicator_id, f.item))
        name = f"{f.item}@{dec(points).normalize():f}"
        items[name] = {**base, "points": str(points)}
        indicator["items"] = items
        indicators[f.indicator_id] = indicator
        out.append(replace(f, item=name))
    return replace(iset, indicators=indicators), out


# ── tables ───────────────────────────────────────────────────────────────────────────────

def _header_key(value: object) -> str:
    return normalize_header(value).replace("（", "(").replace("）", ")")


def classify_sheet(label: str, header: Iterable[object]) -> Sheet | None:
    """By the sheet's name, else by its header (a CSV or a renamed sheet)."""
    try:
        return Sheet(label.strip())
    except ValueError:
        pass
    names = {_header_key(h) for h in header}
    if "提问时间" in names:
        return Sheet.INQUIRY
    if "指标" in names:
        return Sheet.FINDING
    if "最后发布时间" in names or "互动功能是否可用" in names:
        return Sheet.ACCOUNT
    return None


def parse_manual_tables(tables: Iterable[Table], iset: IndicatorSet, tz: dt.tzinfo
                        ) -> ParsedManual:
    """Validate every row of every table; collect all problems instead of stopping."""
    out = ParsedManual()
    seen: dict[tuple, str] = {}
    for table in tables:
        kind = classify_sheet(table.label, table.header)
        if kind is None:
            out.problems.append(f"{table.label}：无法识别表头，应为“模拟咨询”“人工检查问题”"
                                "或“政务新媒体检查”工作表（见导入模板）")
            continue
        _parse_table(table, kind, iset, tz, out, seen)
    return out


def _parse_table(table: Table, kind: Sheet, iset: IndicatorSet, tz: dt.tzinfo,
                 out: ParsedManual, seen: dict[tuple, str]) -> None:
    columns = COLUMNS[kind]
    for read in sheet_rows(table.label, table.header, table.rows, columns, out.problems,
                           key=_header_key):
        raw, values, where = read.raw, read.values, read.where
        problems = RowProblems(where, columns)
        bad = problems.bad
        for header in blank_required(columns, values):
            bad(header, "不能为空")
        if kind is Sheet.INQUIRY:
            row = _inquiry(raw, values, tz, where, bad)
            key = (kind, row.site_code, row.asked_at) if row else None
            dup = "同一网站同一提问时间的咨询"
        elif kind is Sheet.FINDING:
            row = _finding(values, iset, where, bad)
            key = (kind, row.to_core("").fingerprint) if row else None
            dup = "同一问题"
        else:
            row = _account(raw, values, tz, where, bad)
            key = (kind, row.account_code) if row else None
            dup = "同一账号"
        if key is not None and key in seen:
            problems.add(0, f"{where}：与{seen[key]}重复（{dup}只能填写一行）")
        elif key is not None:
            seen[key] = where
        if problems:
            out.problems.extend(problems.lines())
        elif isinstance(row, InquiryRow):
            out.inquiries.append(row)
        elif isinstance(row, FindingRow):
            out.findings.append(row)
        elif isinstance(row, AccountCheckRow):
            out.accounts.append(row)


def _when(raw: object, text: str, header: str, tz, bad, *, end_of_day: bool = False):
    if not text:
        return None
    try:
        return parse_when(raw, tz, end_of_day=end_of_day)
    except ValueError:
        bad(header, f"“{text}”不是有效的时间，应写作 2022-06-24 15:30")
        return None


def _inquiry(raw, v, tz, where, bad) -> InquiryRow | None:
    code = v["网站标识码"]
    if code and not _SITE_CODE.fullmatch(code):
        bad("网站标识码", f"“{code}”不是10位数字")
    asked = _when(raw["提问时间"], v["提问时间"], "提问时间", tz, bad)
    answered = _when(raw["答复时间"], v["答复时间"], "答复时间", tz, bad)
    if asked and answered and answered < asked:
        bad("答复时间", "早于提问时间")
    effective_text = v["答复是否有效"]
    effective = _yes_no(effective_text) if effective_text else answered is not None
    if effective is None:
        bad("答复是否有效", f"“{effective_text}”无效，应填“是”或“否”")
    elif effective and effective_text and not v["答复时间"]:
        bad("答复是否有效", "没有答复时间时不能填“是”")
    if not code or asked is None or effective is None or (v["答复时间"] and answered is None):
        return None
    return InquiryRow(code, asked, answered, bool(effective), v["问题"], v["备注"], where)


def _subject_kind(code: str) -> str | None:
    if _SITE_CODE.fullmatch(code):
        return "site"
    if _ACCOUNT_CODE.fullmatch(code):
        return "account"
    return None


def _finding(v, iset: IndicatorSet, where, bad) -> FindingRow | None:
    subject_header = "网站标识码或账号标识码"
    code = v[subject_header].upper()
    kind = _subject_kind(code) if code else None
    if code and kind is None:
        bad(subject_header, f"“{v[subject_header]}”既不是10位数字的网站标识码，也不是有效的账号标识码")
    indicator_id = resolve_indicator(iset, v["指标"]) if v["指标"] else None
    if v["指标"] and indicator_id is None:
        bad("指标", f"“{v['指标']}”不是指标体系 {iset.id} 中的指标（如 W-D16、W-D19、NM-V3）")
    item = None
    if indicator_id:
        subject = iset.subject(indicator_id)
        if kind and subject != kind:
            what = "网站" if subject == "site" else "政务新媒体"
            bad("指标", f"{indicator_id} 是{what}指标，与“{code}”不符")
        item, why = resolve_item(iset, indicator_id, v["扣分项"])
        if item is None:
            bad("扣分项", why)
    url = v["证据网址"]
    if url and not re.match(r"https?://[^\s/]+", url):
        bad("证据网址", f"“{url}”不是有效网址，应以 http:// 或 https:// 开头")
    points = None
    if v[POINTS_HEADER]:
        try:
            points = Decimal(v[POINTS_HEADER])
            if not points.is_finite():
                raise InvalidOperation
        except InvalidOperation:
            bad(POINTS_HEADER, f"“{v[POINTS_HEADER]}”不是数字")
            points = None
        else:
            if indicator_id and iset.family(indicator_id) not in ("deduction", "bonus"):
                bad(POINTS_HEADER, f"{indicator_id} 不计分（单项否决或问题类指标），不能填写分值")
            elif points < 0:
                bad(POINTS_HEADER, "不能为负数")
            elif indicator_id and points > dec(iset.indicators[indicator_id]["cap"]):
                bad(POINTS_HEADER, f"不能超过 {indicator_id} 的上限"
                    f"{iset.indicators[indicator_id]['cap']}分")
    if not (code and kind and indicator_id and item is not None and v["问题描述"]):
        return None
    return FindingRow(code, kind, indicator_id, item, v["问题描述"], url, points, where)


def _account(raw, v, tz, where, bad) -> AccountCheckRow | None:
    code = v["账号标识码"].upper()
    if code and not _ACCOUNT_CODE.fullmatch(code):
        bad("账号标识码", f"“{v['账号标识码']}”无效，应为6至32位字母或数字")
    last = _when(raw["最后发布时间"], v["最后发布时间"], "最后发布时间", tz, bad, end_of_day=True)
    ok_text = v["互动功能是否可用"]
    ok = _yes_no(ok_text) if ok_text else None
    if ok_text and ok is None:
        bad("互动功能是否可用", f"“{ok_text}”无效，应填“是”或“否”，未检查留空")
    menus: tuple = ()
    try:
        menus = parse_menus(v["菜单及最后更新时间"], tz)
    except ValueError as exc:
        bad("菜单及最后更新时间", f"“{exc}”不是有效的日期，应写作“菜单名 2022-06-01”")
    if not code or (v["最后发布时间"] and last is None):
        return None
    return AccountCheckRow(code, last, ok, menus, v["备注"], where)
