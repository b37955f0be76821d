from django.urls import path
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.admin.views.generic import IndexView
from wagtail.admin.viewsets.base import ViewSet, ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet

from skhcn.core.text import fold

from . import admin_views
from .models import Procedure, ProcedureField


class ProcedureIndexView(IndexView):
    def search_queryset(self, queryset):
        """Accent-insensitive: "cap giay" and "Cấp giấy" both match the folded search text."""
        if not self.is_searching:
            return queryset
        for word in fold(self.search_query).split()[:12]:
            queryset = queryset.filter(search_text__contains=word)
        return queryset


class ProcedureViewSet(ModelViewSet):
    model = Procedure
    index_view_class = ProcedureIndexView
    name = "procedure_catalogue"
    url_prefix = "thu-tuc-hanh-chinh"
    icon = "doc-full"
    menu_label = "Thủ tục"
    copy_view_enabled = False
    inspect_view_enabled = False
    list_display = ["code", "name", "field", "online_level", "data_status", "is_active", "updated_at"]
    list_filter = ["field", "online_level", "data_status", "is_active"]
    search_fields = ["code", "name", "search_text"]
    search_backend_name = None
    list_per_page = 50
    panels = [
        MultiFieldPanel(
            [FieldPanel("code"), FieldPanel("name"), FieldPanel("field"), FieldPanel("is_active")],
            heading="Thông tin chung",
        ),
        MultiFieldPanel(
            [
                FieldPanel("online_level"),
                FieldRowPanel([FieldPanel("post_submission"), FieldPanel("post_return")]),
                FieldRowPanel([FieldPanel("processing_time"), FieldPanel("time_unit")]),
                FieldRowPanel([FieldPanel("step_budgets"), FieldPanel("division")]),
                FieldPanel("clock_waits_for_fee"),
                FieldRowPanel([FieldPanel("fee_description"), FieldPanel("fee_amount"), FieldPanel("fee_amount_max")]),
            ],
            heading="Cách thức, thời hạn, phí",
        ),
        InlinePanel(
            "documents",
            heading="Thành phần hồ sơ",
            label="giấy tờ",
            panels=[
                FieldPanel("name"),
                FieldRowPanel([FieldPanel("form"), FieldPanel("copies"), FieldPanel("mandatory")]),
                FieldPanel("template"),
            ],
        ),
        MultiFieldPanel(
            [
                FieldPanel("applicants"),
                FieldPanel("conditions"),
                FieldPanel("result"),
                FieldPanel("legal_basis"),
                FieldPanel("implementing_agency"),
                FieldPanel("allowed_file_types"),
            ],
            heading="Đối tượng, điều kiện, kết quả, căn cứ",
        ),
        MultiFieldPanel([FieldPanel("data_status"), FieldPanel("source")], heading="Nguồn dữ liệu"),
    ]

    def get_queryset(self, request):
        return Procedure.objects.select_related("field")


class ProcedureFieldViewSet(ModelViewSet):
    model = ProcedureField
    name = "procedure_fields"
    url_prefix = "linh-vuc-thu-tuc"
    icon = "folder-open-inverse"
    menu_label = "Lĩnh vực"
    copy_view_enabled = False
    inspect_view_enabled = False
    list_display = ["code", "name", "sort_order"]
    search_fields = ["code", "name"]
    search_backend_name = None
    form_fields = ["code", "name", "sort_order"]


class ImportExportMenuItem(MenuItem):
    def is_shown(self, request):
        return admin_views.can_export(request.user)


class ImportExportViewSet(ViewSet):
    name = "procedure_import_export"
    url_prefix = "thu-tuc-hanh-chinh-nhap-xuat"
    icon = "download"
    menu_label = "Nhập / xuất CSV, XLSX"
    menu_item_class = ImportExportMenuItem

    def get_urlpatterns(self):
        return [
            path("", admin_views.ImportExportView.as_view(), name="index"),
            path("xuat.csv", admin_views.export_csv, name="export_csv"),
            path("xuat.xlsx", admin_views.export_xlsx, name="export_xlsx"),
        ]


class ProcedureViewSetGroup(ViewSetGroup):
    menu_label = "Thủ tục hành chính"
    menu_name = "procedure_catalogue"
    menu_icon = "list-ul"
    menu_order = 250
    items = (ProcedureViewSet, ProcedureFieldViewSet, ImportExportViewSet)


@hooks.register("register_admin_viewset")
def register_procedure_viewsets():
    return ProcedureViewSetGroup()
