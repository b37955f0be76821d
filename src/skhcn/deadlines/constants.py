from django.db import models


class TimeUnit(models.TextChoices):
    WORKING_DAYS = "working", "ngày làm việc"
    CALENDAR_DAYS = "calendar", "ngày"


class CalendarExceptionKind(models.TextChoices):
    DAY_OFF = "day_off", "Ngày nghỉ (thêm)"
    WORKING_DAY = "working_day", "Ngày làm việc bù"
