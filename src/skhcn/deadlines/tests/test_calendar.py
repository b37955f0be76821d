"""Hand-checked dates. The package's facts are checked too, so an upgrade that changes them fails loudly here."""

from datetime import date, datetime, time

import pytest

from skhcn.deadlines.calendar import (
    TZ,
    WorkCalendar,
    add_working_days,
    due_at,
    due_date,
    receipt_day,
    working_days_between,
)
from skhcn.deadlines.constants import TimeUnit

CAL = WorkCalendar()
W = TimeUnit.WORKING_DAYS
C = TimeUnit.CALENDAR_DAYS


def at(y, m, d, hh=9, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=TZ)


def end_of(y, m, d):
    return datetime(y, m, d, 17, 0, tzinfo=TZ)


@pytest.mark.parametrize("day", [16, 17, 18, 19, 20])
def test_tet_2026_is_off(day):
    assert not CAL.is_working_day(date(2026, 2, day))


def test_tet_2027_is_off_including_the_weekend():
    for day in range(4, 11):
        assert not CAL.is_working_day(date(2027, 2, day))
    assert CAL.is_working_day(date(2027, 2, 3))
    assert CAL.is_working_day(date(2027, 2, 11))


def test_ordinary_days_and_weekends():
    assert CAL.is_working_day(date(2026, 3, 10))  # Tuesday
    assert not CAL.is_working_day(date(2026, 3, 14))  # Saturday
    assert not CAL.is_working_day(date(2026, 3, 15))  # Sunday


def test_april_30_may_1_and_national_day():
    assert not CAL.is_working_day(date(2026, 4, 30))
    assert not CAL.is_working_day(date(2026, 5, 1))
    assert not CAL.is_working_day(date(2026, 9, 1))
    assert not CAL.is_working_day(date(2026, 9, 2))
    assert CAL.holiday_name(date(2026, 9, 2)) == "Quốc khánh"


def test_substituted_day_off_and_working_saturday_2026():
    assert not CAL.is_working_day(date(2026, 8, 31))
    assert CAL.is_working_day(date(2026, 8, 22))
    assert not CAL.is_working_day(date(2026, 8, 29))  # an ordinary Saturday nearby


def test_package_weekend_workdays_do_not_leak_across_years():
    # holidays 0.109 keeps weekend_workdays of earlier instances; 22/08/2026 must not make 22/08/2020 a workday.
    assert not CAL.is_working_day(date(2020, 8, 22))


def test_add_working_days_across_tet_2026():
    # Friday 13/02/2026: next working days are 23, 24, 25/02 (16–20 Tết, 21–22 weekend).
    assert add_working_days(CAL, date(2026, 2, 13), 1) == date(2026, 2, 23)
    assert add_working_days(CAL, date(2026, 2, 13), 3) == date(2026, 2, 25)
    assert working_days_between(CAL, date(2026, 2, 13), date(2026, 2, 25)) == 3
    assert working_days_between(CAL, date(2026, 2, 25), date(2026, 2, 13)) == -3


def test_add_working_days_over_national_day_2026():
    # Friday 21/08: Sat 22 works; 24–28 work; 31/08, 1–2/09 off; Thursday 03/09 is the 7th.
    assert add_working_days(CAL, date(2026, 8, 21), 1) == date(2026, 8, 22)
    assert add_working_days(CAL, date(2026, 8, 21), 6) == date(2026, 8, 28)
    assert add_working_days(CAL, date(2026, 8, 21), 7) == date(2026, 9, 3)


def test_add_zero_and_negative():
    assert add_working_days(CAL, date(2026, 3, 14), 0) == date(2026, 3, 14)
    with pytest.raises(ValueError):
        add_working_days(CAL, date(2026, 3, 14), -1)


def test_due_at_working_days_plain():
    # Received Monday 09/03/2026 09:00, 5 working days: Monday 16/03 at 17:00.
    assert due_at(CAL, at(2026, 3, 9), 5, W) == end_of(2026, 3, 16)


def test_due_at_is_aware_in_vietnam_time():
    due = due_at(CAL, datetime(2026, 3, 9, 2, 0, tzinfo=TZ).astimezone(TZ), 1, W)
    assert due.tzinfo == TZ and due.time() == time(17, 0)


def test_received_in_utc_is_converted():
    # 09/03 20:00 UTC is 10/03 03:00 in Hanoi: a Tuesday before the cutoff.
    from datetime import UTC

    assert receipt_day(CAL, datetime(2026, 3, 9, 20, 0, tzinfo=UTC)) == date(2026, 3, 10)


def test_naive_datetime_is_refused():
    with pytest.raises(ValueError):
        due_at(CAL, datetime(2026, 3, 9, 9, 0), 1, W)


def test_receipt_after_cutoff_counts_next_working_day():
    assert receipt_day(CAL, at(2026, 3, 9, 15, 0)) == date(2026, 3, 9)
    assert receipt_day(CAL, at(2026, 3, 9, 15, 1)) == date(2026, 3, 10)
    assert due_at(CAL, at(2026, 3, 9, 15, 30), 5, W) == end_of(2026, 3, 17)
    # Friday afternoon: counts from Monday.
    assert receipt_day(CAL, at(2026, 3, 13, 16, 0)) == date(2026, 3, 16)


def test_cutoff_is_a_parameter():
    assert receipt_day(CAL, at(2026, 3, 9, 15, 30), cutoff=time(16, 0)) == date(2026, 3, 9)


def test_no_cutoff_counts_the_day_received_at_any_hour():
    assert receipt_day(CAL, at(2026, 3, 9, 16, 59), cutoff=None) == date(2026, 3, 9)
    assert receipt_day(CAL, at(2026, 3, 9, 23, 59), cutoff=None) == date(2026, 3, 9)
    assert due_at(CAL, at(2026, 3, 9, 15, 30), 5, W, cutoff=None) == end_of(2026, 3, 16)
    # A day off still counts from the next working day: Saturday 14/03 -> Monday 16/03.
    assert receipt_day(CAL, at(2026, 3, 14, 10), cutoff=None) == date(2026, 3, 16)
    assert due_at(CAL, at(2026, 3, 14, 10), 0, W, cutoff=None) == end_of(2026, 3, 16)


def test_receipt_on_saturday_counts_from_monday():
    # Saturday 14/03 morning -> receipt Monday 16/03; 1 working day -> Tuesday 17/03.
    assert due_at(CAL, at(2026, 3, 14, 8), 1, W) == end_of(2026, 3, 17)


def test_receipt_on_make_up_saturday_counts_that_day():
    assert receipt_day(CAL, at(2026, 8, 22, 9)) == date(2026, 8, 22)


def test_receipt_before_tet_after_cutoff():
    # Friday 13/02/2026 16:00 -> receipt Monday 23/02; 1 working day -> Tuesday 24/02.
    assert due_at(CAL, at(2026, 2, 13, 16), 1, W) == end_of(2026, 2, 24)


def test_same_day_procedure():
    assert due_at(CAL, at(2026, 3, 9, 10), 0, W) == end_of(2026, 3, 9)
    assert due_at(CAL, at(2026, 3, 9, 15, 30), 0, W) == end_of(2026, 3, 10)
    assert due_at(CAL, at(2026, 3, 14, 10), 0, W) == end_of(2026, 3, 16)
    assert due_at(CAL, at(2026, 3, 9, 10), 0, C) == end_of(2026, 3, 9)


def test_calendar_days_ending_on_sunday_move_to_monday():
    # Monday 02/03/2026 + 13 days = Sunday 15/03 -> Monday 16/03.
    assert due_at(CAL, at(2026, 3, 2), 13, C) == end_of(2026, 3, 16)
    assert due_date(CAL, at(2026, 3, 2), 13, C, roll_to_working_day=False) == date(2026, 3, 15)


def test_calendar_days_ending_in_tet_move_past_it():
    # Monday 09/02/2026 + 8 days = Tuesday 17/02 (Tết) -> Monday 23/02.
    assert due_at(CAL, at(2026, 2, 9), 8, C) == end_of(2026, 2, 23)


def test_calendar_days_count_weekends():
    assert due_at(CAL, at(2026, 3, 9), 10, C) == end_of(2026, 3, 19)


def test_unit_as_plain_string():
    assert due_at(CAL, at(2026, 3, 9), 5, "working") == due_at(CAL, at(2026, 3, 9), 5, W)
    with pytest.raises(ValueError):
        due_at(CAL, at(2026, 3, 9), 5, "weeks")


def test_extra_day_off_and_make_up_saturday():
    cal = WorkCalendar.build(days_off=[date(2026, 3, 12)], working_days=[date(2026, 3, 14)])
    assert not cal.is_working_day(date(2026, 3, 12))
    assert cal.is_working_day(date(2026, 3, 14))
    # Monday 09/03 + 4 working days: 10, 11, (12 off), 13, 14 (make-up Saturday).
    assert due_at(cal, at(2026, 3, 9), 4, W) == end_of(2026, 3, 14)
    assert due_at(CAL, at(2026, 3, 9), 4, W) == end_of(2026, 3, 13)


def test_staff_can_cancel_a_package_make_up_saturday():
    cal = WorkCalendar.build(days_off=[date(2026, 8, 22)])
    assert not cal.is_working_day(date(2026, 8, 22))


def test_calendar_is_hashable_and_immutable():
    cal = WorkCalendar.build(days_off=[date(2026, 3, 12)])
    assert hash(cal) == hash(WorkCalendar.build(days_off=[date(2026, 3, 12)]))
    with pytest.raises(AttributeError):
        cal.country = "TH"


def test_any_year_works():
    assert not CAL.is_working_day(date(2035, 1, 1))
    assert CAL.is_working_day(date(2035, 1, 2))
