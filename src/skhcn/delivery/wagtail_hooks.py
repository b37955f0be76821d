"""Postal screens in the Wagtail admin: URLs under ``/admin/buu-chinh/`` and the menu "Bưu chính" (intake for
one-stop officers and administrators, the shipment list for every staff member who sees dossiers)."""

from django.urls import include, path, reverse
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem

from skhcn.accounts.staff import user_roles

from . import urls
from .services import can_receive_by_post


@hooks.register("register_admin_urls")
def register_delivery_urls():
    return [path("buu-chinh/", include(urls, namespace="delivery_staff"))]


class IntakeMenuItem(MenuItem):
    def is_shown(self, request):
        return can_receive_by_post(request.user)


class ListMenuItem(MenuItem):
    def is_shown(self, request):
        return bool(user_roles(request.user))


@hooks.register("register_admin_menu_item")
def register_delivery_menu():
    items = [
        IntakeMenuItem(
            "Tiếp nhận hồ sơ qua bưu chính", reverse("delivery_staff:intake"), name="buu-chinh-tiep-nhan", order=10
        ),
        ListMenuItem("Vận đơn bưu chính", reverse("delivery_staff:list"), name="buu-chinh-van-don", order=20),
    ]
    return SubmenuMenuItem("Bưu chính", Menu(items=items), name="buu-chinh", icon_name="mail", order=155)
