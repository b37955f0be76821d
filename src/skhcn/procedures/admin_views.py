"""Wagtail admin views for importing and exporting the procedure catalogue (logic in ``importexport``)."""

import base64
import binascii

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from . import importexport

IMPORT_PERMISSIONS = ("procedures.add_procedure", "procedures.change_procedure")
VIEW_PERMISSIONS = ("procedures.view_procedure", "procedures.change_procedure", "procedures.add_procedure")


def can_import(user) -> bool:
    return user.has_perms(IMPORT_PERMISSIONS)


def can_export(user) -> bool:
    return any(user.has_perm(permission) for permission in VIEW_PERMISSIONS)


class UploadForm(forms.Form):
    file = forms.FileField(
        label="Tệp danh mục (.csv hoặc .xlsx)",
        help_text="CSV mã UTF-8 (có hoặc không BOM) hoặc Windows-1258; XLSX lấy trang “Thủ tục” hoặc trang đầu tiên.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )


class ConfirmForm(forms.Form):
    filename = forms.CharField(widget=forms.HiddenInput, max_length=255)
    payload = forms.CharField(widget=forms.HiddenInput)


class ImportExportView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "procedures/admin/import_export.html"
    page_title = "Nhập / xuất danh mục thủ tục"
    header_icon = "list-ul"

    def dispatch(self, request, *args, **kwargs):
        if not can_export(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [{"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("upload_form", UploadForm())
        context["can_import"] = can_import(self.request.user)
        context["columns"] = importexport.COLUMNS
        context["separator"] = importexport.DOCUMENT_SEPARATOR
        return context

    def post(self, request, *args, **kwargs):
        if not can_import(request.user):
            raise PermissionDenied
        if "confirm" in request.POST:
            return self._confirm(request)
        upload_form = UploadForm(request.POST, request.FILES)
        if not upload_form.is_valid():
            return self.render_to_response(self.get_context_data(upload_form=upload_form), status=400)
        upload = upload_form.cleaned_data["file"]
        if upload.size > importexport.MAX_FILE_SIZE:
            preview = importexport.ImportPreview(errors=[importexport.RowError(0, "Tệp quá lớn (tối đa 5 MB).")])
            data = b""
        else:
            data = upload.read()
            preview = importexport.preview_file(upload.name, data)
        context = self.get_context_data(preview=preview, filename=upload.name)
        if preview.is_valid:
            context["confirm_form"] = ConfirmForm(
                initial={"filename": upload.name, "payload": base64.b64encode(data).decode("ascii")}
            )
        return self.render_to_response(context, status=200 if preview.is_valid else 400)

    def _confirm(self, request):
        form = ConfirmForm(request.POST)
        data = None
        if form.is_valid():
            try:
                data = base64.b64decode(form.cleaned_data["payload"], validate=True)
            except (binascii.Error, ValueError):
                data = None
        if data is None:
            preview = importexport.ImportPreview(
                errors=[importexport.RowError(0, "Dữ liệu xác nhận không hợp lệ, hãy tải tệp lên lại.")]
            )
            return self.render_to_response(self.get_context_data(preview=preview), status=400)
        filename = form.cleaned_data["filename"]
        # Validate again: the catalogue may have changed since the preview.
        preview = importexport.preview_file(filename, data)
        if not preview.is_valid:
            return self.render_to_response(self.get_context_data(preview=preview, filename=filename), status=400)
        created, updated = importexport.apply_import(preview)
        messages.success(
            request, f"Đã nhập danh mục từ tệp “{filename}”: thêm mới {created}, cập nhật {updated} thủ tục."
        )
        return redirect(reverse("procedure_import_export:index"))


def _export_response(content: bytes, content_type: str, extension: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="danh-muc-thu-tuc-{stamp}.{extension}"'
    return response


def export_csv(request):
    if not can_export(request.user):
        raise PermissionDenied
    return _export_response(importexport.export_csv(), "text/csv; charset=utf-8", "csv")


def export_xlsx(request):
    if not can_export(request.user):
        raise PermissionDenied
    return _export_response(
        importexport.export_xlsx(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"
    )
