import unicodedata
from datetime import date

from django import forms
from django.conf import settings
from django.core.validators import MaxLengthValidator
from wagtail.admin.forms import WagtailAdminModelForm

from . import categories as category_options
from .synonyms import EXPANSION_MAX_CHARS, TERM_MAX_CHARS

DATE_FORMAT = "%d/%m/%Y"


class Messages:
    QUERY_TOO_LONG = "Từ khóa quá dài (tối đa {limit} ký tự)."
    DATE_INVALID = "Ngày không hợp lệ, hãy nhập theo dạng dd/mm/yyyy."
    DATE_ORDER = "“Từ ngày” phải trước hoặc trùng “Đến ngày”."
    CATEGORY_UNKNOWN = "Chuyên mục không tồn tại."
    HINT = "Nhập từ khóa (có dấu hoặc không dấu), hoặc chọn chuyên mục hay khoảng ngày, rồi bấm “Tìm kiếm”."
    NO_WORDS = "Từ khóa cần có ít nhất một chữ cái hoặc chữ số."
    PAGE_INVALID = "Số trang không hợp lệ, đang hiện trang 1."
    PAGE_PAST_END = "Không có trang {requested}, đang hiện trang cuối ({number})."
    # Years the date fields accept (outside them the day boundaries overflow or mean nothing for this site).
    MIN_YEAR, MAX_YEAR = 1900, 2999


class DateInput(forms.TextInput):
    def __init__(self):
        super().__init__(attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric", "size": 10, "maxlength": 10})

    def format_value(self, value):
        if isinstance(value, date):
            return value.strftime(DATE_FORMAT)
        return super().format_value(value)


class VietnameseDateField(forms.DateField):
    widget = DateInput

    def __init__(self, **kwargs):
        super().__init__(
            input_formats=[DATE_FORMAT],
            required=False,
            error_messages={"invalid": Messages.DATE_INVALID},
            **kwargs,
        )

    def to_python(self, value):
        if isinstance(value, str) and len(value) > 20:
            raise forms.ValidationError(Messages.DATE_INVALID, code="invalid")
        day = super().to_python(value)
        if day and not (Messages.MIN_YEAR <= day.year <= Messages.MAX_YEAR):
            raise forms.ValidationError(Messages.DATE_INVALID, code="invalid")
        return day


class QueryField(forms.CharField):
    """Free text: control characters (NUL included) become spaces, so no input makes the form or the DB fail."""

    def to_python(self, value):
        if isinstance(value, str):
            value = "".join(" " if unicodedata.category(char) == "Cc" else char for char in value)
        return super().to_python(value)


class SearchForm(forms.Form):
    q = QueryField(
        label="Từ khóa",
        required=False,
        max_length=settings.SEARCH_MAX_QUERY_LENGTH,
        error_messages={
            "max_length": Messages.QUERY_TOO_LONG.format(limit=settings.SEARCH_MAX_QUERY_LENGTH),
        },
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    chuyen_muc = forms.TypedChoiceField(
        label="Chuyên mục",
        required=False,
        coerce=int,
        empty_value=None,
        error_messages={"invalid_choice": Messages.CATEGORY_UNKNOWN},
    )
    tu_ngay = VietnameseDateField(label="Từ ngày")
    den_ngay = VietnameseDateField(label="Đến ngày")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.categories = category_options.options()
        self.fields["chuyen_muc"].choices = [("", "Tất cả chuyên mục")] + [
            (option.id, option.label) for option in self.categories
        ]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("tu_ngay"), cleaned.get("den_ngay")
        if start and end and start > end:
            self.add_error("den_ngay", Messages.DATE_ORDER)
        return cleaned

    @property
    def category_path(self) -> str | None:
        chosen = self.cleaned_data.get("chuyen_muc")
        return next((option.path for option in self.categories if option.id == chosen), None) if chosen else None

    def has_criteria(self) -> bool:
        data = self.cleaned_data
        return bool(data.get("q") or data.get("chuyen_muc") or data.get("tu_ngay") or data.get("den_ngay"))


class SynonymForm(WagtailAdminModelForm):
    """The admin form of the synonym table: every check (empty, too long, same as the other field, duplicate) is the
    model's, in Vietnamese; this form only words the browser-side ones the same way."""

    MESSAGES = {
        "term": ("Vui lòng nhập từ viết tắt.", TERM_MAX_CHARS, "Từ viết tắt dài tối đa"),
        "expansion": ("Vui lòng nhập cụm từ đầy đủ hoặc từ đồng nghĩa.", EXPANSION_MAX_CHARS, "Cụm từ dài tối đa"),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, (required, limit, too_long) in self.MESSAGES.items():
            field = self.fields.get(name)
            if field is None:
                continue
            field.error_messages["required"] = required
            field.validators = [v for v in field.validators if not isinstance(v, MaxLengthValidator)]
            field.validators.append(
                MaxLengthValidator(limit, message=f"{too_long} {limit} ký tự (đang có %(show_value)d).")
            )
