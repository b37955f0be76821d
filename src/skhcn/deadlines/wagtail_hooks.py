import django_filters
from django import forms
from django.contrib import messages
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import AdminDateInput

from . import services
from .constants import CalendarExceptionKind
from .models import WEEKDAY_NAMES, CalendarException

FAILED_RECEIVER = (
    "Đã lưu thay đổi lịch làm việc nhưng chưa cập nhật được dữ liệu liên quan (hạn giải quyết hồ sơ); "
    "vui lòng báo quản trị hệ thống."
)


def _year_choices():
    years = CalendarException.objects.dates("date", "year", order="DESC")
    return [(d.year, str(d.year)) for d in years]


class CalendarExceptionFilterSet(WagtailFilterSet):
    kind = django_filters.ChoiceFilter(label="Loại", choices=CalendarExceptionKind.choices, empty_label="Tất cả")
    year = django_filters.ChoiceFilter(
        label="Năm", field_name="date", lookup_expr="year", choices=_year_choices, empty_label="Tất cả"
    )

    class Meta:
        model = CalendarException
        fields = []


class CalendarExceptionForm(forms.ModelForm):
    class Meta:
        model = CalendarException
        fields = ["date", "kind", "note"]
        widgets = {"date": AdminDateInput()}
        help_texts = {
            "date": "Ngày nghỉ thêm hoặc ngày làm việc bù theo thông báo của Chính phủ / UBND tỉnh. "
            "Ngày lễ, Tết và ngày nghỉ bù chung đã có sẵn, không cần nhập.",
            "note": "Ví dụ: số văn bản thông báo.",
        }


class ReportsRecalculation:
    """Saving or deleting an exception tells the apps that store dates computed from the calendar (after the commit,
    ``signals.calendar_changed``); the officer sees what they report (the dossiers whose due date moved)."""

    def form_valid(self, form):
        with services.changing_calendar(self.request.user) as change:
            response = super().form_valid(form)
        for message in change.messages:
            messages.info(self.request, message)
        if change.failures:
            messages.warning(self.request, FAILED_RECEIVER)
        return response


class CalendarExceptionCreateView(ReportsRecalculation, generic.CreateView):
    pass


class CalendarExceptionEditView(ReportsRecalculation, generic.EditView):
    pass


class CalendarExceptionDeleteView(ReportsRecalculation, generic.DeleteView):
    pass


class CalendarExceptionViewSet(ModelViewSet):
    model = CalendarException
    icon = "date"
    menu_label = "Ngày nghỉ / làm bù"
    menu_name = "calendar-exceptions"
    add_to_admin_menu = True
    menu_order = 260
    url_prefix = "ngay-nghi-lam-bu"
    name = "calendar_exceptions"
    copy_view_enabled = False
    inspect_view_enabled = False
    ordering = ["-date"]
    list_display = [
        "date_display",
        Column("weekday", label="Thứ", accessor=lambda obj: WEEKDAY_NAMES[obj.date.weekday()]),
        "kind",
        "note",
    ]
    filterset_class = CalendarExceptionFilterSet
    add_view_class = CalendarExceptionCreateView
    edit_view_class = CalendarExceptionEditView
    delete_view_class = CalendarExceptionDeleteView

    def get_form_class(self, for_update=False):
        return CalendarExceptionForm


@hooks.register("register_admin_viewset")
def register_calendar_exception_viewset():
    return CalendarExceptionViewSet()
