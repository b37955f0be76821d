from datetime import date, datetime

import pytest

from skhcn.deadlines import services
from skhcn.deadlines.calendar import TZ
from skhcn.deadlines.constants import CalendarExceptionKind, TimeUnit

from .factories import CalendarExceptionFactory

pytestmark = pytest.mark.django_db


def test_current_calendar_reads_exceptions():
    CalendarExceptionFactory(date=date(2026, 3, 12))
    CalendarExceptionFactory(date=date(2026, 3, 14), kind=CalendarExceptionKind.WORKING_DAY)
    cal = services.current_calendar()
    assert cal.extra_days_off == {date(2026, 3, 12)}
    assert cal.extra_working_days == {date(2026, 3, 14)}


def test_saving_or_deleting_an_exception_refreshes_the_cached_calendar(django_assert_num_queries):
    received = datetime(2026, 3, 9, 9, 0, tzinfo=TZ)
    assert services.expected_return(received, 4, TimeUnit.WORKING_DAYS).date() == date(2026, 3, 13)
    with django_assert_num_queries(0):
        services.current_calendar()
    exception = CalendarExceptionFactory(date=date(2026, 3, 12))
    assert services.expected_return(received, 4, TimeUnit.WORKING_DAYS).date() == date(2026, 3, 16)
    exception.kind = CalendarExceptionKind.WORKING_DAY
    exception.date = date(2026, 3, 14)
    exception.save()
    assert services.expected_return(received, 4, TimeUnit.WORKING_DAYS).date() == date(2026, 3, 13)
    assert services.expected_return(received, 5, TimeUnit.WORKING_DAYS).date() == date(2026, 3, 14)
    exception.delete()
    assert services.expected_return(received, 5, TimeUnit.WORKING_DAYS).date() == date(2026, 3, 16)


def test_other_processes_reload_after_the_ttl(settings):
    from skhcn.deadlines.models import CalendarException

    services.current_calendar()
    # A row written by another process: no signal here.
    CalendarException.objects.bulk_create([CalendarException(date=date(2026, 3, 12), kind="day_off")])
    assert services.current_calendar().extra_days_off == frozenset()
    settings.DEADLINES_CALENDAR_TTL_SECONDS = 0
    assert services.current_calendar().extra_days_off == {date(2026, 3, 12)}
