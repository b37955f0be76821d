"""Read-mostly admin so operators can inspect dossiers; staff screens come with the staff issue."""

from django.contrib import admin

from .models import DailySerial, Dossier, DossierEvent, DossierFile


class ReadOnlyMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class DossierFileInline(ReadOnlyMixin, admin.TabularInline):
    model = DossierFile
    extra = 0
    fields = ["document_name", "original_name", "content_type", "size", "sha256", "uploaded_at"]
    readonly_fields = fields


class DossierEventInline(ReadOnlyMixin, admin.TabularInline):
    model = DossierEvent
    extra = 0
    fields = ["at", "action", "from_status", "to_status", "actor", "comment"]
    readonly_fields = fields


@admin.register(Dossier)
class DossierAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["__str__", "procedure", "applicant_name", "status", "submitted_at", "expected_return_at"]
    list_filter = ["status", "receive_method", "submitted_at"]
    search_fields = ["code", "applicant_name", "applicant_phone", "applicant_id_number", "applicant__email"]
    list_select_related = ["procedure"]
    date_hierarchy = "created_at"
    inlines = [DossierFileInline, DossierEventInline]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in Dossier._meta.fields]


@admin.register(DossierFile)
class DossierFileAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["original_name", "dossier", "document_name", "content_type", "size", "uploaded_at"]
    search_fields = ["original_name", "dossier__code", "sha256"]
    list_select_related = ["dossier"]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in DossierFile._meta.fields]


@admin.register(DossierEvent)
class DossierEventAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["at", "dossier", "action", "from_status", "to_status", "actor"]
    list_filter = ["action", "to_status"]
    search_fields = ["dossier__code"]
    list_select_related = ["dossier", "actor"]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in DossierEvent._meta.fields]


@admin.register(DailySerial)
class DailySerialAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["agency_code", "day", "last_value"]
    list_filter = ["agency_code"]
