"""Admin menu "Dữ liệu KH&CN": one ModelViewSet per registry (list, filters, accent-insensitive search, edit) and
the import / export pages."""

from django.urls import path
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic import IndexView
from wagtail.admin.viewsets.base import ViewSet, ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet

from . import admin_views, models, services


class FoldedSearchIndexView(IndexView):
    def search_queryset(self, queryset):
        """Accent-insensitive: "que tra linh" and "Quýt Trà Lĩnh" both match the folded search text."""
        if not self.is_searching:
            return queryset
        return services.apply_search(queryset, self.search_query)


class RegistryViewSet(ModelViewSet):
    index_view_class = FoldedSearchIndexView
    copy_view_enabled = False
    inspect_view_enabled = False
    search_fields = ["code", "search_text"]
    search_backend_name = None
    list_per_page = 50
    add_to_admin_menu = False


class TaskViewSet(RegistryViewSet):
    model = models.ScienceTask
    name = "registry_tasks"
    url_prefix = "du-lieu-khcn/nhiem-vu"
    icon = "clipboard-list"
    menu_label = "Nhiệm vụ KH&CN"
    list_display = ["code", "title", "level", "status", "start_date", "is_demo", "is_public"]
    list_filter = ["level", "kind", "field", "status", "is_demo", "is_public"]


class EnterpriseViewSet(RegistryViewSet):
    model = models.ScienceEnterprise
    name = "registry_enterprises"
    url_prefix = "du-lieu-khcn/doanh-nghiep"
    icon = "site"
    menu_label = "Doanh nghiệp KH&CN"
    list_display = ["name", "tax_code", "certificate_number", "certificate_date", "status", "is_demo", "is_public"]
    list_filter = ["status", "field", "is_demo", "is_public"]


class IPViewSet(RegistryViewSet):
    model = models.IntellectualProperty
    name = "registry_ip"
    url_prefix = "du-lieu-khcn/so-huu-tri-tue"
    icon = "tag"
    menu_label = "Nhãn hiệu, chỉ dẫn địa lý"
    list_display = ["name", "ip_type", "product", "status", "protection_number", "is_demo", "is_public"]
    list_filter = ["ip_type", "status", "is_demo", "is_public"]


class SupportViewSet(RegistryViewSet):
    model = models.SupportGrant
    name = "registry_support"
    url_prefix = "du-lieu-khcn/ho-tro"
    icon = "pick"
    menu_label = "Hỗ trợ doanh nghiệp"
    list_display = ["beneficiary", "programme", "year", "amount", "is_demo", "is_public"]
    list_filter = ["programme", "year", "is_demo", "is_public"]


class PublicationViewSet(RegistryViewSet):
    model = models.Publication
    name = "registry_publications"
    url_prefix = "du-lieu-khcn/an-pham"
    icon = "doc-full"
    menu_label = "Kỷ yếu, ấn phẩm"
    list_display = ["title", "kind", "year", "issue", "text_status", "is_demo", "is_public"]
    list_filter = ["kind", "year", "text_status", "is_demo", "is_public"]

    def get_queryset(self, request):
        return models.Publication.objects.defer("pdf_text", "pdf_search")


class FilmViewSet(RegistryViewSet):
    model = models.Film
    name = "registry_films"
    url_prefix = "du-lieu-khcn/phim"
    icon = "media"
    menu_label = "Phim phổ biến kiến thức"
    list_display = ["title", "topic", "year", "is_demo", "is_public"]
    list_filter = ["topic", "is_demo", "is_public"]


class ImportExportMenuItem(MenuItem):
    def is_shown(self, request):
        return admin_views.can_export_any(request.user)


class RegistryImportExportViewSet(ViewSet):
    name = "registry_import_export"
    url_prefix = "du-lieu-khcn-nhap-xuat"
    icon = "download"
    menu_label = "Nhập / xuất CSV, XLSX"
    menu_item_class = ImportExportMenuItem

    def get_urlpatterns(self):
        return [
            path("", admin_views.ImportExportIndexView.as_view(), name="index"),
            path("<slug:key>/", admin_views.ImportExportView.as_view(), name="registry"),
            path("<slug:key>/xuat.<str:extension>", admin_views.export, name="export"),
        ]


class RegistryViewSetGroup(ViewSetGroup):
    menu_label = "Dữ liệu KH&CN"
    menu_name = "registries"
    menu_icon = "table"
    menu_order = 260
    items = (
        TaskViewSet,
        EnterpriseViewSet,
        IPViewSet,
        SupportViewSet,
        PublicationViewSet,
        FilmViewSet,
        RegistryImportExportViewSet,
    )


@hooks.register("register_admin_viewset")
def register_registry_viewsets():
    return RegistryViewSetGroup()
