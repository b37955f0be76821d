"""``calendar.add_working_hours``: office hours (08:00–17:00) on working days only."""

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from skhcn.deadlines.calendar import OFFICE_CLOSES, OFFICE_OPENS, TZ, WorkCalendar, add_working_hours

CAL = WorkCalendar()
dates = st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31))
moments = st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2035, 12, 31), timezones=st.just(TZ))
hours = st.integers(min_value=0, max_value=200)
calendars = st.builds(
    WorkCalendar.build,
    days_off=st.frozensets(dates, max_size=15),
    working_days=st.frozensets(dates, max_size=15),
)


def at(day: str, clock: str = "08:00") -> datetime:
    return datetime.strptime(f"{day} {clock}", "%d/%m/%Y %H:%M").replace(tzinfo=TZ)


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (at("03/12/2026", "09:00"), 8, at("03/12/2026", "17:00")),  # Thursday, within the day
        (at("03/12/2026", "10:30"), 8, at("04/12/2026", "09:30")),  # 6h30 on Thursday, 1h30 on Friday
        (at("04/12/2026", "16:00"), 8, at("07/12/2026", "15:00")),  # Friday 16:00: the weekend does not count
        (at("05/12/2026", "10:00"), 8, at("07/12/2026", "16:00")),  # Saturday: from Monday 08:00
        (at("03/12/2026", "06:15"), 8, at("03/12/2026", "16:00")),  # before opening
        (at("03/12/2026", "19:00"), 1, at("04/12/2026", "09:00")),  # after closing
        (at("03/12/2026", "17:00"), 0, at("03/12/2026", "17:00")),
        (at("03/12/2026", "17:00"), 1, at("04/12/2026", "09:00")),
        (at("13/02/2026", "16:00"), 8, at("23/02/2026", "15:00")),  # Friday before Tết (16–20/02/2026)
    ],
)
def test_examples(start, n, expected):
    assert add_working_hours(CAL, start, n) == expected


def test_a_utc_start_is_counted_in_local_time():
    start = datetime(2026, 12, 3, 1, 30, tzinfo=UTC)  # 08:30 in Vietnam
    result = add_working_hours(CAL, start, 1)
    assert result == at("03/12/2026", "09:30") and result.tzinfo == TZ


def test_staff_days_off_are_skipped():
    cal = WorkCalendar.build(days_off=[date(2026, 12, 4)])
    assert add_working_hours(cal, at("03/12/2026", "16:00"), 2) == at("07/12/2026", "09:00")


def test_bad_input():
    with pytest.raises(ValueError, match="hours"):
        add_working_hours(CAL, at("03/12/2026"), -1)
    with pytest.raises(ValueError, match="aware"):
        add_working_hours(CAL, datetime(2026, 12, 3, 9, 0), 1)


@given(calendars, moments, hours)
def test_result_is_within_office_hours_of_a_working_day(cal, start, n):
    result = add_working_hours(cal, start, n)
    assert result.tzinfo is not None
    local = result.astimezone(TZ)
    assert cal.is_working_day(local.date())
    assert OFFICE_OPENS <= local.time() <= OFFICE_CLOSES
    assert result >= start


@given(calendars, moments, hours)
def test_monotonic_in_hours(cal, start, n):
    assert add_working_hours(cal, start, n + 1) > add_working_hours(cal, start, n)


@given(calendars, moments, moments, hours)
def test_monotonic_in_start(cal, a, b, n):
    first, second = sorted((a, b))
    assert add_working_hours(cal, first, n) <= add_working_hours(cal, second, n)


@given(calendars, moments, hours, hours)
def test_adding_twice_is_adding_the_sum(cal, start, m, n):
    assert add_working_hours(cal, add_working_hours(cal, start, m), n) == add_working_hours(cal, start, m + n)


@given(calendars, moments, hours)
def test_counts_exactly_the_office_hours_in_between(cal, start, n):
    result = add_working_hours(cal, start, n)
    counted, day = timedelta(0), start.astimezone(TZ).date()
    while day <= result.astimezone(TZ).date():
        if cal.is_working_day(day):
            opens = max(datetime.combine(day, OFFICE_OPENS, tzinfo=TZ), start)
            closes = min(datetime.combine(day, OFFICE_CLOSES, tzinfo=TZ), result)
            counted += max(closes - opens, timedelta(0))
        day += timedelta(days=1)
    assert counted == timedelta(hours=n)
