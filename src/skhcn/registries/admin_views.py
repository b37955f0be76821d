"""Wagtail admin: import / export of one registry (logic in ``importexport``), in two steps like the catalogue:
upload and check every row, then confirm to write all rows in one transaction."""

import base64
import binascii

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from skhcn.core.tabular import MAX_FILE_SIZE

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


class UploadForm(forms.Form):
    file = forms.FileField(
        label="Tệp dữ liệu (.csv hoặc .xlsx)",
        help_text="CSV mã UTF-8 (có hoặc không BOM) hoặc Windows-1258; XLSX lấy trang cùng tên hoặc trang đầu tiên.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )


class ConfirmForm(forms.Form):
    filename = forms.CharField(widget=forms.HiddenInput, max_length=255)
    payload = forms.CharField(widget=forms.HiddenInput)


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


class ImportExportView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "registries/admin/import_export.html"
    header_icon = "download"

    def dispatch(self, request, *args, key="", **kwargs):
        self.registry = REGISTRIES.get(key)
        if self.registry is None:
            raise Http404
        if not can_export(request.user, self.registry):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return f"Nhập / xuất: {self.registry.verbose_name_plural}"

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse("registry_import_export:index"), "label": "Nhập / xuất dữ liệu KH&CN"},
            {"url": "", "label": self.registry.verbose_name_plural},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("upload_form", UploadForm())
        context["registry"] = self.registry
        context["can_import"] = can_import(self.request.user, self.registry)
        context["columns"] = importexport.COLUMNS[self.registry.key]
        return context

    def post(self, request, *args, **kwargs):
        if not can_import(request.user, self.registry):
            raise PermissionDenied
        if "confirm" in request.POST:
            return self._confirm(request)
        upload_form = UploadForm(request.POST, request.FILES)
        if not upload_form.is_valid():
            return self.render_to_response(self.get_context_data(upload_form=upload_form), status=400)
        upload = upload_form.cleaned_data["file"]
        key = self.registry.key
        if upload.size > MAX_FILE_SIZE:
            preview = importexport.ImportPreview(key, errors=[importexport.RowError(0, "Tệp quá lớn (tối đa 5 MB).")])
            data = b""
        else:
            data = upload.read()
            preview = importexport.preview_file(key, upload.name, data)
        context = self.get_context_data(preview=preview, filename=upload.name)
        if preview.is_valid:
            context["confirm_form"] = ConfirmForm(
                initial={"filename": upload.name, "payload": base64.b64encode(data).decode("ascii")}
            )
        return self.render_to_response(context, status=200 if preview.is_valid else 400)

    def _confirm(self, request):
        key = self.registry.key
        form = ConfirmForm(request.POST)
        data = None
        if form.is_valid():
            try:
                data = base64.b64decode(form.cleaned_data["payload"], validate=True)
            except (binascii.Error, ValueError):
                data = None
        if data is None:
            preview = importexport.ImportPreview(
                key, errors=[importexport.RowError(0, "Dữ liệu xác nhận không hợp lệ, hãy tải tệp lên lại.")]
            )
            return self.render_to_response(self.get_context_data(preview=preview), status=400)
        filename = form.cleaned_data["filename"]
        # Checked again: the registry may have changed since the preview.
        preview = importexport.preview_file(key, filename, data)
        if preview.is_valid:
            try:
                created, updated = importexport.apply_import(preview)
            except ValidationError as error:  # changed between the check and the write: nothing was written
                preview.errors.append(importexport.RowError(0, "; ".join(error.messages)))
        if not preview.is_valid:
            return self.render_to_response(self.get_context_data(preview=preview, filename=filename), status=400)
        messages.success(
            request,
            f"Đã nhập từ tệp “{filename}”: thêm mới {created}, cập nhật {updated} {self.registry.noun}.",
        )
        return redirect(reverse("registry_import_export:registry", kwargs={"key": key}))


def _export_response(content: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def export(request, key: str, extension: str):
    registry = REGISTRIES.get(key)
    if registry is None or extension not in ("csv", "xlsx"):
        raise Http404
    if not can_export(request.user, registry):
        raise PermissionDenied
    name = f"du-lieu-khcn-{registry.slug}-{timezone.localtime():%Y%m%d-%H%M}.{extension}"
    if extension == "csv":
        return _export_response(importexport.export_csv(key), "text/csv; charset=utf-8", name)
    return _export_response(
        importexport.export_xlsx(key), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", name
    )
