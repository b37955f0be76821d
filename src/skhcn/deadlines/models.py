from django.db import models

from .constants import CalendarExceptionKind


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
