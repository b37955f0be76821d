"""Model and form fields that accept what Vietnamese editors type: money ("1,5 tỷ"), running time ("12:30"),
dates in bounds (from 1900, not in the future where it cannot be), years."""

from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.db import models

from . import parsing


class ParsedIntegerFormField(forms.CharField):
    """Text input for a whole number written the Vietnamese way: ``parse`` reads the text (``ValueError`` with a
    Vietnamese message when it cannot), ``format`` shows a stored number; subclasses set both. Blank is None."""

    def prepare_value(self, value):
        if isinstance(value, int):
            return self.format(value)
        return value

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        try:
            return self.parse(value)
        except ValueError as error:
            raise ValidationError(str(error), code="invalid") from None


class MoneyFormField(ParsedIntegerFormField):
    """Text input that reads "1.500.000", "1,5 tỷ", "370 triệu đồng" and shows "1.500.000"."""

    parse = staticmethod(parsing.parse_money)
    format = staticmethod(parsing.format_money)

    def __init__(self, *, required=True, min_value=None, **kwargs):
        kwargs.pop("max_length", None)
        for name in ("max_value", "step_size", "localize"):
            kwargs.pop(name, None)
        kwargs.setdefault("help_text", "Đơn vị đồng, ví dụ 1.500.000 hoặc 1,5 tỷ hoặc 370 triệu.")
        super().__init__(required=required, **kwargs)
        self.widget.attrs.setdefault("inputmode", "decimal")


class MoneyField(models.PositiveBigIntegerField):
    """An amount in đồng (integer)."""

    def formfield(self, **kwargs):
        kwargs.setdefault("form_class", MoneyFormField)
        kwargs.pop("widget", None)
        field = super().formfield(**kwargs)
        if not isinstance(field, MoneyFormField):  # Django may pass its own integer form_class
            return MoneyFormField(required=not self.blank, label=field.label, help_text=self.help_text or None)
        return field


class DurationFormField(ParsedIntegerFormField):
    """Text input that reads "12:30" or "1:02:05" (seconds) and shows them so."""

    parse = staticmethod(parsing.parse_duration)
    format = staticmethod(parsing.format_duration)


class DurationSecondsField(models.PositiveIntegerField):
    """Running time stored in seconds, typed as "12:30" or "1:02:05"."""

    def formfield(self, **kwargs):
        return DurationFormField(
            required=not self.blank,
            label=self.verbose_name.capitalize(),
            help_text=self.help_text or "Phút:giây (12:30) hoặc giờ:phút:giây (1:02:05).",
        )


def past_date(value: date) -> None:
    """Validator: from 1900, not after today (certificates, protection, acceptance already happened)."""
    try:
        parsing.check_date(value, allow_future=False)
    except ValueError as error:
        raise ValidationError(str(error), code="date_range") from None


def plausible_date(value: date) -> None:
    """Validator: from 1900 (plans may lie in the future)."""
    try:
        parsing.check_date(value, allow_future=True)
    except ValueError as error:
        raise ValidationError(str(error), code="date_range") from None
    if value.year > date.today().year + 50:
        raise ValidationError(f"Ngày {value:%d/%m/%Y} quá xa trong tương lai: hãy kiểm tra lại.", code="date_range")


def past_year(value: int) -> None:
    try:
        parsing.check_year(value, allow_future=False)
    except ValueError as error:
        raise ValidationError(str(error), code="year_range") from None
