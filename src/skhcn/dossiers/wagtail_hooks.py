"""The staff screens in the Wagtail admin: URLs under ``/admin/ho-so/`` (namespace "dossiers_staff"), the menu
"Hồ sơ một cửa" with one item per queue the user's roles use, and the audit-log action for file views."""

from django.urls import include, path, reverse
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem

from skhcn.accounts.staff import user_roles

from .staff import urls as staff_urls
from .staff.queues import QUEUES


@hooks.register("register_admin_urls")
def register_staff_urls():
    return [path("ho-so/", include(staff_urls, namespace="dossiers_staff"))]


class QueueMenuItem(MenuItem):
    """Shown to staff holding one of the queue's roles (any staff role when the queue names none)."""

    def __init__(self, queue, **kwargs):
        self.queue = queue
        url = reverse("dossiers_staff:queue", kwargs={"queue": queue.slug})
        super().__init__(queue.label, url, name=f"ho-so-{queue.slug}", **kwargs)

    def is_shown(self, request):
        roles = user_roles(request.user)
        return bool(roles) and (self.queue.roles is None or bool(roles & self.queue.roles))


@hooks.register("register_admin_menu_item")
def register_dossiers_menu():
    items = [QueueMenuItem(queue, order=index * 10) for index, queue in enumerate(QUEUES.values())]
    return SubmenuMenuItem(
        "Hồ sơ một cửa", Menu(items=items), name="ho-so-mot-cua", icon_name="folder-open-inverse", order=150
    )


@hooks.register("register_log_actions")
def register_dossier_log_actions(actions):
    actions.register_action("skhcn.dossier.file_viewed", "Xem tệp hồ sơ", "Đã xem tệp của hồ sơ")


# The register menu item (printable forms and register, another module).
from . import wagtail_hooks_register  # noqa: E402,F401
