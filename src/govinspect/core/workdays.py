"""Chinese working days (with 调休), and "answered within N working days".

Pure: the calendar data is read once when a ``WorkdayCalendar`` is built; every query is
a function of its arguments. ``chinesecalendar`` supplies the years it knows; a project
override table (``workdays.yaml``, shipped here and optionally one per office) supplies the
years it does not know yet and wins over it. A date in a year that neither covers is an error
that says which year is missing and how to add it — never a silent guess.

Definition of "within N working days" (民法典 第201条, 第203条, applied to a question):

* the day the question is asked is never counted, whatever the hour (so asking after office
  hours, on a weekend or on a holiday gives no less time than asking at 9:00);
* the period is the first N working days after the day of asking, 调休 weekend working
  days included, holidays excluded;
* it ends at 24:00 of the N-th working day (``deadline``);
* an answer given on the day of asking, or on days off before the first working day, has
  used 0 working days and is within any N ≥ 1;
* ``elapsed_workdays(asked, answered)`` = the number of working days d with
  asked.date < d ≤ answered.date; "within N" ⇔ answered and elapsed ≤ N.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import chinese_calendar
import yaml

OVERRIDE_FILE = "workdays.yaml"


class CalendarNotCovered(ValueError):
    """A date falls in a year that no calendar source covers."""

    def __init__(self, year: int, covered: tuple[int, int], where: str) -> None:
        self.year = year
        super().__init__(
            f"工作日历未覆盖{year}年：chinesecalendar {_version()} 只包含"
            f"{covered[0]}–{covered[1]}年，覆盖表中也没有{year}年。"
            f"请在 {where} 的 years 下添加 {year} 年：holidays 列出落在周一至周五的全部放假日期，"
            f"workdays 列出落在周六、周日的全部调休上班日期（依据国务院办公厅关于{year}年部分节假日"
            f"安排的通知）；或升级 chinesecalendar（uv add chinesecalendar --upgrade）。")


class CalendarDataError(ValueError):
    pass


def _version() -> str:
    from importlib.metadata import version

    try:
        return version("chinesecalendar")
    except Exception:  # noqa: BLE001 - only used in a message
        return "?"


@dataclass(frozen=True)
class YearOverride:
    year: int
    holidays: frozenset[dt.date]
    workdays: frozenset[dt.date]
    source: str = ""

    def is_workday(self, day: dt.date) -> bool:
        if day in self.workdays:
            return True
        return day.weekday() < 5 and day not in self.holidays


def _as_date(value: object, where: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as exc:
        raise CalendarDataError(f"{where}：{value!r} 不是日期（应写作 2027-01-01）") from exc


def parse_overrides(data: Mapping, where: str) -> dict[int, YearOverride]:
    """Parse and check an override table; errors name the file, the year and the date."""
    years = (data or {}).get("years") or {}
    if not isinstance(years, Mapping):
        raise CalendarDataError(f"{where}：years 应为“年份: 内容”的键值对")
    out: dict[int, YearOverride] = {}
    for key, entry in years.items():
        try:
            year = int(key)
        except (TypeError, ValueError) as exc:
            raise CalendarDataError(f"{where}：年份 {key!r} 不是整数") from exc
        entry = entry or {}
        holidays = frozenset(_as_date(v, f"{where} {year}年 holidays")
                             for v in entry.get("holidays") or ())
        workdays = frozenset(_as_date(v, f"{where} {year}年 workdays")
                             for v in entry.get("workdays") or ())
        for day in holidays | workdays:
            if day.year != year:
                raise CalendarDataError(f"{where}：{day} 写在 {year} 年下，但不属于该年")
        for day in holidays:
            if day.weekday() >= 5:
                raise CalendarDataError(
                    f"{where}：{day} 是周末，不必列入 holidays（只列周一至周五的放假日）")
        for day in workdays:
            if day.weekday() < 5:
                raise CalendarDataError(
                    f"{where}：{day} 是周一至周五，不必列入 workdays（只列周末的调休上班日）")
        if not holidays and not workdays:
            raise CalendarDataError(f"{where}：{year} 年既无 holidays 也无 workdays，请填写或删除该年")
        out[year] = YearOverride(year, holidays, workdays, str(entry.get("source", "")))
    return out


def _covered_range() -> tuple[int, int]:
    years = [d.year for d in chinese_calendar.constants.holidays]
    return min(years), max(years)


class WorkdayCalendar:
    def __init__(self, overrides: Mapping[int, YearOverride] | None = None,
                 override_hint: str = "") -> None:
        self._overrides = dict(overrides or {})
        self._covered = _covered_range()
        self._hint = override_hint or f"工作日覆盖表（{OVERRIDE_FILE}）"

    @classmethod
    def load(cls, search: Iterable[Path] = ()) -> WorkdayCalendar:
        """The shipped override table, then ``workdays.yaml`` in each folder of ``search``
        (later folders win, per year)."""
        shipped = resources.files("govinspect.core").joinpath(OVERRIDE_FILE)
        overrides = parse_overrides(yaml.safe_load(shipped.read_text(encoding="utf-8")),
                                    f"内置 {OVERRIDE_FILE}")
        hint = f"govinspect/core/{OVERRIDE_FILE}"
        for folder in search:
            path = Path(folder) / OVERRIDE_FILE
            hint = str(path)
            if path.is_file():
                try:
                    data = yaml.safe_load(path.read_text(encoding="utf-8"))
                except yaml.YAMLError as exc:
                    raise CalendarDataError(f"{path} 不是有效的 YAML：{exc}") from exc
                overrides.update(parse_overrides(data, str(path)))
        return cls(overrides, hint)

    @property
    def covered_years(self) -> tuple[int, ...]:
        lo, hi = self._covered
        return tuple(sorted(set(range(lo, hi + 1)) | set(self._overrides)))

    def is_workday(self, day: dt.date | dt.datetime) -> bool:
        if isinstance(day, dt.datetime):
            day = day.date()
        override = self._overrides.get(day.year)
        if override is not None:
            return override.is_workday(day)
        lo, hi = self._covered
        if not lo <= day.year <= hi:
            raise CalendarNotCovered(day.year, self._covered, self._hint)
        return chinese_calendar.is_workday(day)

    def workdays_after(self, start: dt.date, end: dt.date) -> int:
        """Working days d with start < d ≤ end (0 when end ≤ start)."""
        count = 0
        day = start + dt.timedelta(days=1)
        while day <= end:
            count += self.is_workday(day)
            day += dt.timedelta(days=1)
        return count

    def elapsed_workdays(self, asked: dt.datetime, answered: dt.datetime) -> int:
        return self.workdays_after(asked.date(), answered.date())

    def deadline(self, asked: dt.datetime, n: int) -> dt.datetime:
        """24:00 of the n-th working day after the day of asking (n ≥ 1)."""
        if n < 1:
            raise ValueError("n must be ≥ 1")
        day, found = asked.date(), 0
        while found < n:
            day += dt.timedelta(days=1)
            found += self.is_workday(day)
        end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0))
        return end.replace(tzinfo=asked.tzinfo)

    def within(self, asked: dt.datetime, answered: dt.datetime | None, n: int) -> bool:
        return answered is not None and answered < self.deadline(asked, n)
