"""Test-only URLs for the upload handler tests (test_uploads.py): a tiny view echoing what it received."""

from django.http import JsonResponse
from django.urls import path

from skhcn.core.uploads import upload_too_large_message
from skhcn.urls import urlpatterns as project_urlpatterns


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


# Before the project's URLs, which the middlewares (staff two-factor, login redirects) reverse.
urlpatterns = [
    path("nop-ho-so/", echo_upload),
    path("admin/echo/", echo_upload),
    *project_urlpatterns,
]
