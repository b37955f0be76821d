"""Wagtail admin views for importing and exporting the procedure catalogue (logic in ``importexport``; the two-step
upload → report → confirm in ``skhcn.core.import_views``)."""

from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from skhcn.core import import_views

from . import importexport

IMPORT_PERMISSIONS = ("procedures.add_procedure", "procedures.change_procedure")
VIEW_PERMISSIONS = ("procedures.view_procedure", "procedures.change_procedure", "procedures.add_procedure")


def can_import(user) -> bool:
    return user.has_perms(IMPORT_PERMISSIONS)


def can_export(user) -> bool:
    return any(user.has_perm(permission) for permission in VIEW_PERMISSIONS)


class UploadForm(import_views.UploadForm):
    file_label = "Tệp danh mục (.csv hoặc .xlsx)"
    file_help_text = "CSV mã UTF-8 (có hoặc không BOM) hoặc Windows-1258; XLSX lấy trang “Thủ tục” hoặc trang đầu tiên."


class ImportExportView(import_views.TwoStepImportView):
    template_name = "procedures/admin/import_export.html"
    page_title = "Nhập / xuất danh mục thủ tục"
    header_icon = "list-ul"
    upload_form_class = UploadForm

    def can_export(self, user) -> bool:
        return can_export(user)

    def can_import(self, user) -> bool:
        return can_import(user)

    def preview_file(self, filename: str, data: bytes):
        return importexport.preview_file(filename, data)

    def error_preview(self, message: str):
        return importexport.ImportPreview(errors=[importexport.RowError(0, message)])

    def apply_import(self, preview) -> tuple[int, int]:
        return importexport.apply_import(preview)

    def success_message(self, filename: str, created: int, updated: int) -> str:
        return f"Đã nhập danh mục từ tệp “{filename}”: thêm mới {created}, cập nhật {updated} thủ tục."

    def get_page_url(self) -> str:
        return reverse("procedure_import_export:index")

    def get_export_url(self, extension: str) -> str:
        return reverse(f"procedure_import_export:export_{extension}")

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [{"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["columns"] = importexport.COLUMNS
        context["separator"] = importexport.DOCUMENT_SEPARATOR
        return context


def _export_response(content: bytes, extension: str):
    name = f"danh-muc-thu-tuc-{timezone.localtime():%Y%m%d-%H%M}.{extension}"
    return import_views.export_response(content, extension, name)


def export_csv(request):
    if not can_export(request.user):
        raise PermissionDenied
    return _export_response(importexport.export_csv(), "csv")


def export_xlsx(request):
    if not can_export(request.user):
        raise PermissionDenied
    return _export_response(importexport.export_xlsx(), "xlsx")
