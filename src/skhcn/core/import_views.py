"""Wagtail admin: the two-step import shared by the procedure catalogue and the S&T registries.

Step one uploads a file and shows a row-by-row report without writing anything; the file travels back base64-encoded
in a hidden field, and step two (confirm) checks it again and writes every row in one transaction. The reading,
checking and writing are each catalogue's own (``procedures.importexport``, ``registries.importexport``); a view
subclass names them, with its permissions, wording and addresses. The page is ``core/admin/import_export.html``,
whose blocks hold each catalogue's wording.
"""

import base64
import binascii
from abc import ABCMeta, abstractmethod

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from .tabular import MAX_FILE_SIZE, RowError

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


class UploadForm(forms.Form):
    """Step one: the file. Subclasses set the label and help text of the field."""

    file_label = "Tệp dữ liệu (.csv hoặc .xlsx)"
    file_help_text = ""

    file = forms.FileField(widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].label = self.file_label
        self.fields["file"].help_text = self.file_help_text


class ConfirmForm(forms.Form):
    """Step two: the file checked in step one, sent back unchanged."""

    filename = forms.CharField(widget=forms.HiddenInput, max_length=255)
    payload = forms.CharField(widget=forms.HiddenInput)


class TwoStepImportView(WagtailAdminTemplateMixin, TemplateView, metaclass=ABCMeta):
    """Export links, upload → report → confirm. Everyone who may export sees the page; importing needs more.

    A preview (the catalogue's ``ImportPreview``) has ``rows``, ``errors`` (``RowError``) and ``is_valid``.
    """

    upload_form_class = UploadForm

    # --- what a subclass supplies ---------------------------------------------------------------------------------

    @abstractmethod
    def can_export(self, user) -> bool: ...

    @abstractmethod
    def can_import(self, user) -> bool: ...

    @abstractmethod
    def preview_file(self, filename: str, data: bytes):
        """Read and check the file; nothing is written."""

    @abstractmethod
    def error_preview(self, message: str):
        """A preview that holds only ``message``, an error about the whole file."""

    @abstractmethod
    def apply_import(self, preview) -> tuple[int, int]:
        """Write a valid preview in one transaction: (created, updated). ``ValidationError``: nothing written."""

    @abstractmethod
    def success_message(self, filename: str, created: int, updated: int) -> str: ...

    @abstractmethod
    def get_page_url(self) -> str:
        """This page's address: where a confirmed import returns, and the cancel button."""

    @abstractmethod
    def get_export_url(self, extension: str) -> str: ...

    # --- the two steps --------------------------------------------------------------------------------------------

    def dispatch(self, request, *args, **kwargs):
        if not self.can_export(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("upload_form", self.upload_form_class())
        context["can_import"] = self.can_import(self.request.user)
        context["page_url"] = self.get_page_url()
        context["export_xlsx_url"] = self.get_export_url("xlsx")
        context["export_csv_url"] = self.get_export_url("csv")
        return context

    def post(self, request, *args, **kwargs):
        if not self.can_import(request.user):
            raise PermissionDenied
        if "confirm" in request.POST:
            return self._confirm(request)
        upload_form = self.upload_form_class(request.POST, request.FILES)
        if not upload_form.is_valid():
            return self.render_to_response(self.get_context_data(upload_form=upload_form), status=400)
        upload = upload_form.cleaned_data["file"]
        if upload.size > MAX_FILE_SIZE:
            preview = self.error_preview("Tệp quá lớn (tối đa 5 MB).")
            data = b""
        else:
            data = upload.read()
            preview = self.preview_file(upload.name, data)
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
            preview = self.error_preview("Dữ liệu xác nhận không hợp lệ, hãy tải tệp lên lại.")
            return self.render_to_response(self.get_context_data(preview=preview), status=400)
        filename = form.cleaned_data["filename"]
        # Checked again: the data may have changed since the preview.
        preview = self.preview_file(filename, data)
        if preview.is_valid:
            try:
                created, updated = self.apply_import(preview)
            except ValidationError as error:  # changed between the check and the write: nothing was written
                preview.errors.append(RowError(0, "; ".join(error.messages)))
        if not preview.is_valid:
            return self.render_to_response(self.get_context_data(preview=preview, filename=filename), status=400)
        messages.success(request, self.success_message(filename, created, updated))
        return redirect(self.get_page_url())


def export_response(content: bytes, extension: str, filename: str) -> HttpResponse:
    """A downloaded .csv or .xlsx file."""
    response = HttpResponse(content, content_type=CONTENT_TYPES[extension])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
