"""Admin screens under ``/admin/thong-bao/`` and the menu "Thông báo": every staff member's inbox (with the unread
count), the templates (administrators), the messages sent and failed, and the sandbox SMS (administrators and
one-stop officers)."""

from django.urls import include, path, reverse
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem
from wagtail.admin.ui.sidebar import LinkMenuItem as LinkMenuItemComponent

from skhcn.accounts.staff import user_roles

from . import services, sms, staff_urls
from .views import can_edit_templates, can_see_deliveries


@hooks.register("register_admin_urls")
def register_notification_urls():
    return [path("thong-bao/", include(staff_urls, namespace="notifications_staff"))]


class InboxMenuItem(MenuItem):
    def is_shown(self, request):
        return bool(user_roles(request.user))

    def render_component(self, request):
        # exists(), not a count: this runs on every admin page
        label = f"{self.label} (có thông báo mới)" if services.has_unread(request.user) else self.label
        return LinkMenuItemComponent(self.name, label, self.url, icon_name=self.icon_name, attrs=self.attrs)


class TemplatesMenuItem(MenuItem):
    def is_shown(self, request):
        return can_edit_templates(request.user)


class DeliveriesMenuItem(MenuItem):
    def is_shown(self, request):
        return can_see_deliveries(request.user)


class SandboxSmsMenuItem(MenuItem):
    def is_shown(self, request):
        return sms.is_sandbox() and can_see_deliveries(request.user)


class NotificationsMenu(SubmenuMenuItem):
    def is_shown(self, request):
        return bool(user_roles(request.user))


@hooks.register("register_admin_menu_item")
def register_notification_menu():
    items = [
        InboxMenuItem("Thông báo của tôi", reverse("notifications_staff:inbox"), name="thong-bao-cua-toi", order=10),
        TemplatesMenuItem("Mẫu thông báo", reverse("notifications_staff:templates"), name="mau-thong-bao", order=20),
        DeliveriesMenuItem(
            "Thư, tin nhắn đã gửi", reverse("notifications_staff:deliveries"), name="thu-da-gui", order=30
        ),
        SandboxSmsMenuItem(
            "Tin nhắn SMS thử nghiệm", reverse("notifications_staff:sandbox_sms"), name="sms-thu-nghiem", order=40
        ),
    ]
    return NotificationsMenu("Thông báo", Menu(items=items), name="thong-bao", icon_name="mail", order=160)
