from django.conf import settings
from django.contrib import admin
from django.http import Http404
from django.urls import include, path, re_path, register_converter
from django.views.static import serve as serve_file
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from skhcn.accounts.staff_views import StaffLoginView
from skhcn.portal.feeds import ArticleFeed
from skhcn.portal.icons import favicon_ico
from skhcn.portal.views import robots_txt
from skhcn.site_map import site_map, sitemap_xml

handler400 = "skhcn.core.views.bad_request"
handler404 = "skhcn.core.views.page_not_found"
handler500 = "skhcn.core.views.server_error"


class NotANumber:
    """A path segment that is not a whole number (Wagtail's choosers expect an id)."""

    regex = r"[^/]*[^0-9/][^/]*"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(NotANumber, "not_a_number")


def _not_found(request, **kwargs):
    raise Http404


admin.site.site_header = "Quản trị hệ thống skhcn"
admin.site.site_title = "Quản trị skhcn"

urlpatterns = [
    # Wagtail's login with lockout and audit logging; must come before Wagtail's own admin URLs.
    path("admin/login/", StaffLoginView.as_view(), name="wagtailadmin_login"),
    # Wagtail's chooser looks an id up without checking it is a number: a crafted address answered 500, now 404.
    path("admin/documents/chooser/chosen/<not_a_number:pk>/", _not_found),
    path("admin/images/chooser/chosen/<not_a_number:pk>/", _not_found),
    path("admin/snippets/choose/<slug:app>/<slug:model>/chosen/<not_a_number:pk>/", _not_found),
    path("admin/", include(wagtailadmin_urls)),
    path("django-admin/", admin.site.urls),
    path("documents/", include(wagtaildocs_urls)),
    path("sitemap.xml", sitemap_xml, name="sitemap"),
    path("so-do-trang/", site_map, name="site_map"),
    path("robots.txt", robots_txt),
    path("rss/", ArticleFeed(), name="rss"),
    path("rss/<int:category_id>/", ArticleFeed(), name="rss-category"),
    path("favicon.ico", favicon_ico),
    path("thu-tuc-hanh-chinh/", include("skhcn.procedures.urls")),
    path("tai-khoan/thong-bao/", include("skhcn.notifications.urls")),
    path("tai-khoan/", include("skhcn.accounts.urls")),
    path("dich-vu-cong/", include("skhcn.dossiers.citizen.urls")),
    path("thanh-toan/", include("skhcn.payments.urls")),
    path("du-lieu-khcn/", include("skhcn.registries.urls")),
    path("", include("skhcn.ratings.urls")),
    path("", include("skhcn.search.urls")),
    path("", include("skhcn.visits.urls")),
]

if settings.SERVE_MEDIA:
    # Uploaded images and files from local disk (a front proxy or S3 takes this over in larger setups).
    urlpatterns += [re_path(r"^media/(?P<path>.*)$", serve_file, {"document_root": settings.MEDIA_ROOT})]

urlpatterns += [path("", include(wagtail_urls))]
