"""Test-only URLs for the upload handler tests (test_uploads.py): a tiny view echoing what it received."""

from django.http import JsonResponse
from django.urls import include, path
from wagtail.admin import urls as wagtailadmin_urls

from skhcn.core.uploads import upload_too_large_message


def echo_upload(request):
    files = {field: [f.name for f in request.FILES.getlist(field)] for field in request.FILES}
    return JsonResponse(
        {
            "too_large": getattr(request, "upload_too_large", False),
            "message": upload_too_large_message(request),
            "files": files,
            "note": request.POST.get("note"),
        }
    )


urlpatterns = [
    path("nop-ho-so/", echo_upload),
    path("admin/echo/", echo_upload),
    path("admin/", include(wagtailadmin_urls)),
]
