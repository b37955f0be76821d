from datetime import date

import factory

from skhcn.deadlines.constants import CalendarExceptionKind
from skhcn.deadlines.models import CalendarException


class CalendarExceptionFactory(factory.django.DjangoModelFactory):
    """Defaults to an extra day off on an ordinary Thursday."""

    class Meta:
        model = CalendarException
        django_get_or_create = ("date",)

    date = date(2026, 3, 12)
    kind = CalendarExceptionKind.DAY_OFF
    note = "Thông báo của UBND tỉnh"
