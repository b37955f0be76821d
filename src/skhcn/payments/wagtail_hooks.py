"""Staff payment URLs inside the Wagtail admin (``/admin/thanh-toan/``, behind its login and two-factor check) and
the menu item "Thanh toán trực tuyến" (the payment list) for every staff member who sees dossiers."""

from django.urls import include, path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from skhcn.accounts.staff import user_roles

from . import staff_urls


@hooks.register("register_admin_urls")
def register_payment_staff_urls():
    return [path("thanh-toan/", include(staff_urls, namespace="payments_staff"))]


class PaymentListMenuItem(MenuItem):
    def is_shown(self, request):
        return bool(user_roles(request.user))


@hooks.register("register_admin_menu_item")
def register_payment_menu():
    return PaymentListMenuItem(
        "Thanh toán trực tuyến", reverse("payments_staff:list"), name="thanh-toan", icon_name="doc-full", order=156
    )
