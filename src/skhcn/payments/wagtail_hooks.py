"""Staff payment URLs inside the Wagtail admin (``/admin/thanh-toan/``, behind its login and two-factor check)."""

from django.urls import include, path
from wagtail import hooks

from . import staff_urls


@hooks.register("register_admin_urls")
def register_payment_staff_urls():
    return [path("thanh-toan/", include(staff_urls, namespace="payments_staff"))]
