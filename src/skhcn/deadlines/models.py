from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import models

from .calendar import WorkCalendar
from .constants import CalendarExceptionKind

WEEKDAY_NAMES = ["Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật"]


class CalendarException(models.Model):
    """A day off or a make-up working day announced on top of the public holidays the `holidays` package knows."""

    date = models.DateField("ngày", unique=True)
    kind = models.CharField("loại", max_length=20, choices=CalendarExceptionKind.choices)
    note = models.CharField("ghi chú", max_length=255, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = "ngày nghỉ / làm bù"
        verbose_name_plural = "ngày nghỉ / làm bù"

    def __str__(self):
        return f"{self.date:%d/%m/%Y} – {self.get_kind_display()}"

    def clean(self):
        # Judge against the package alone: the date is unique, so no other exception can concern this day.
        if self.date is None or not self.kind:
            return
        base = WorkCalendar()
        label = f"{WEEKDAY_NAMES[self.date.weekday()]}, {self.date:%d/%m/%Y}"
        if self.kind == CalendarExceptionKind.WORKING_DAY and base.is_package_working_day(self.date):
            raise ValidationError(
                {"date": f"{label} vốn đã là ngày làm việc, không cần khai báo làm bù."}, code="already_working"
            )
        if self.kind == CalendarExceptionKind.DAY_OFF and not base.is_package_working_day(self.date):
            name = base.holiday_name(self.date)
            reason = f"ngày lễ ({name})" if name else "ngày nghỉ cuối tuần"
            raise ValidationError(
                {"date": f"{label} đã là {reason}, không cần khai báo thêm ngày nghỉ."}, code="already_off"
            )

    def unique_error_message(self, model_class, unique_check):
        if tuple(unique_check) == ("date",):
            existing = CalendarException.objects.filter(date=self.date).first()
            kind = f" là {existing.get_kind_display().lower()}" if existing else ""
            return ValidationError(
                f"Ngày {self.date:%d/%m/%Y} đã được khai báo{kind}. Hãy sửa mục đã có thay vì thêm mới.",
                code="unique",
            )
        return super().unique_error_message(model_class, unique_check)

    @admin.display(description="Ngày", ordering="date")
    def date_display(self):
        return f"{self.date:%d/%m/%Y}"
