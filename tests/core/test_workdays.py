"""Working days with 调休, "within N working days", and years the calendar does not cover."""

from __future__ import annotations

import datetime as dt

import pytest

from govinspect.core.workdays import CalendarDataError, CalendarNotCovered, WorkdayCalendar

CAL = WorkdayCalendar.load()


def at(s: str) -> dt.datetime:
    return dt.datetime.fromisoformat(s)


def test_tiaoxiu_weekend_is_a_working_day_and_holiday_weekday_is_not():
    assert CAL.is_workday(dt.date(2022, 1, 29))  # Saturday 调休 before 春节
    assert CAL.is_workday(dt.date(2022, 1, 30))  # Sunday 调休
    assert not CAL.is_workday(dt.date(2022, 2, 1))  # Tuesday, 春节
    assert CAL.is_workday(dt.date(2022, 4, 2))  # Saturday 调休 before 清明
    assert not CAL.is_workday(dt.date(2022, 4, 4))  # Monday, 清明


@pytest.mark.parametrize("asked, answered, elapsed", [
    # answered on the day of asking: 0, whatever the hour
    ("2022-06-23T10:00", "2022-06-23T16:00", 0),
    ("2022-06-23T21:30", "2022-06-23T23:00", 0),
    # the day of asking is never counted: asked after hours on Thu, answered Fri = 1
    ("2022-06-23T21:30", "2022-06-24T17:00", 1),
    # asked Friday afternoon, answered Monday morning = 1
    ("2022-06-24T15:30", "2022-06-27T09:40", 1),
    # asked on Saturday: Sunday is off, Monday is working day 1
    ("2022-06-25T10:00", "2022-06-27T18:00", 1),
    # asked on Friday before 春节 2022: Sat 1-29 and Sun 1-30 are 调休 working days
    ("2022-01-28T10:00", "2022-01-29T11:00", 1),
    ("2022-01-28T10:00", "2022-01-30T11:00", 2),
    ("2022-01-28T10:00", "2022-02-07T09:00", 3),  # 1-31 … 2-6 off, 2-7 working day 3
    # asked during the 春节 holiday: the first working day after is day 1
    ("2022-02-02T10:00", "2022-02-07T17:00", 1),
])
def test_elapsed_working_days(asked, answered, elapsed):
    assert CAL.elapsed_workdays(at(asked), at(answered)) == elapsed
    assert CAL.within(at(asked), at(answered), elapsed or 1)
    if elapsed > 1:
        assert not CAL.within(at(asked), at(answered), elapsed - 1)


def test_deadline_is_midnight_after_the_nth_working_day():
    assert CAL.deadline(at("2022-01-28T10:00"), 1) == at("2022-01-30T00:00")
    assert CAL.deadline(at("2022-01-28T10:00"), 3) == at("2022-02-08T00:00")
    assert CAL.deadline(at("2022-06-23T10:00"), 5) == at("2022-07-01T00:00")
    assert not CAL.within(at("2022-06-23T10:00"), at("2022-07-01T08:00"), 5)
    assert CAL.within(at("2022-06-23T10:00"), at("2022-06-30T23:59"), 5)
    assert not CAL.within(at("2022-06-23T10:00"), None, 5)


YEAR_2027 = """\
years:
  2027:
    source: 测试用（非官方安排）
    holidays: [2027-01-01, 2027-02-08, 2027-02-09]
    workdays: [2027-02-06]
"""


def test_uncovered_year_says_which_year_and_how_to_add_it(tmp_path):
    cal = WorkdayCalendar.load(search=(tmp_path,))
    with pytest.raises(CalendarNotCovered) as exc:
        cal.is_workday(dt.date(2027, 3, 1))
    message = str(exc.value)
    assert "2027" in message and "holidays" in message and "workdays" in message
    assert str(tmp_path / "workdays.yaml") in message
    assert exc.value.year == 2027
    # once the office adds the year, a Q1 2027 question can be timed
    (tmp_path / "workdays.yaml").write_text(YEAR_2027, encoding="utf-8")
    cal = WorkdayCalendar.load(search=(tmp_path,))
    assert cal.is_workday(dt.date(2027, 2, 6))  # Saturday 调休
    assert not cal.is_workday(dt.date(2027, 2, 8))
    assert cal.elapsed_workdays(at("2027-02-05T10:00"), at("2027-02-10T10:00")) == 2
    assert 2027 in cal.covered_years


@pytest.mark.parametrize("body, word", [
    ("years:\n  2027:\n    holidays: [2027-01-02]\n", "周末"),  # a Saturday in holidays
    ("years:\n  2027:\n    workdays: [2027-01-04]\n", "周一至周五"),
    ("years:\n  2027:\n    holidays: [2026-12-31]\n", "不属于该年"),
    ("years:\n  2027:\n    holidays: [明天]\n", "不是日期"),
    ("years:\n  2027: {}\n", "既无"),
])
def test_bad_override_is_a_clear_error(tmp_path, body, word):
    (tmp_path / "workdays.yaml").write_text(body, encoding="utf-8")
    with pytest.raises(CalendarDataError, match=word):
        WorkdayCalendar.load(search=(tmp_path,))


def test_shipped_override_table_is_empty_but_documented():
    from importlib import resources

    text = resources.files("govinspect.core").joinpath("workdays.yaml").read_text("utf-8")
    assert "years: {}" in text and "2027" in text
