"""Wagtail admin: import / export of one registry (logic in ``importexport``), in two steps like the catalogue:
upload and check every row, then confirm to write all rows in one transaction (``skhcn.core.import_views``)."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from skhcn.core import import_views

from . import importexport
from .registry import REGISTRIES


def _perm(registry, action: str) -> str:
    meta = registry.model._meta
    return f"{meta.app_label}.{action}_{meta.model_name}"


def can_import(user, registry) -> bool:
    return user.has_perms([_perm(registry, "add"), _perm(registry, "change")])


def can_export(user, registry) -> bool:
    return any(user.has_perm(_perm(registry, action)) for action in ("view", "change", "add"))


def can_export_any(user) -> bool:
    return any(can_export(user, registry) for registry in REGISTRIES.values())


class UploadForm(import_views.UploadForm):
    file_label = "Tệp dữ liệu (.csv hoặc .xlsx)"
    file_help_text = "CSV mã UTF-8 (có hoặc không BOM) hoặc Windows-1258; XLSX lấy trang cùng tên hoặc trang đầu tiên."


class ImportExportIndexView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "registries/admin/index.html"
    page_title = "Nhập / xuất dữ liệu KH&CN"
    header_icon = "download"

    def dispatch(self, request, *args, **kwargs):
        if not can_export_any(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [{"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["registries"] = [r for r in REGISTRIES.values() if can_export(self.request.user, r)]
        return context


class ImportExportView(import_views.TwoStepImportView):
    template_name = "registries/admin/import_export.html"
    header_icon = "download"
    upload_form_class = UploadForm

    def dispatch(self, request, *args, key="", **kwargs):
        self.registry = REGISTRIES.get(key)
        if self.registry is None:
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def can_export(self, user) -> bool:
        return can_export(user, self.registry)

    def can_import(self, user) -> bool:
        return can_import(user, self.registry)

    def preview_file(self, filename: str, data: bytes):
        return importexport.preview_file(self.registry.key, filename, data)

    def error_preview(self, message: str):
        return importexport.ImportPreview(self.registry.key, errors=[importexport.RowError(0, message)])

    def apply_import(self, preview) -> tuple[int, int]:
        return importexport.apply_import(preview)

    def success_message(self, filename: str, created: int, updated: int) -> str:
        return f"Đã nhập từ tệp “{filename}”: thêm mới {created}, cập nhật {updated} {self.registry.noun}."

    def get_page_url(self) -> str:
        return reverse("registry_import_export:registry", kwargs={"key": self.registry.key})

    def get_export_url(self, extension: str) -> str:
        return reverse("registry_import_export:export", args=[self.registry.key, extension])

    def get_page_title(self):
        return f"Nhập / xuất: {self.registry.verbose_name_plural}"

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse("registry_import_export:index"), "label": "Nhập / xuất dữ liệu KH&CN"},
            {"url": "", "label": self.registry.verbose_name_plural},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["registry"] = self.registry
        context["columns"] = importexport.COLUMNS[self.registry.key]
        return context


def export(request, key: str, extension: str):
    registry = REGISTRIES.get(key)
    if registry is None or extension not in ("csv", "xlsx"):
        raise Http404
    if not can_export(request.user, registry):
        raise PermissionDenied
    name = f"du-lieu-khcn-{registry.slug}-{timezone.localtime():%Y%m%d-%H%M}.{extension}"
    content = importexport.export_csv(key) if extension == "csv" else importexport.export_xlsx(key)
    return import_views.export_response(content, extension, name)
