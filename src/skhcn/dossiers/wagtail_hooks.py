from django.urls import include, path
from wagtail import hooks

from . import staff_urls


@hooks.register("register_admin_urls")
def register_staff_urls():
    return [path("ho-so/", include(staff_urls, namespace="dossiers_staff"))]
