"""Admin menu item "Sổ theo dõi hồ sơ" (the register, form 06) for staff with a role. Wagtail imports only
``wagtail_hooks``; that module imports this one."""

from django.urls import reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from skhcn.accounts.staff import user_roles


class RegisterMenuItem(MenuItem):
    def is_shown(self, request):
        return bool(user_roles(request.user))


@hooks.register("register_admin_menu_item")
def register_register_menu_item():
    return RegisterMenuItem(
        "Sổ theo dõi hồ sơ",
        reverse("dossiers_staff:register"),
        name="so-theo-doi-ho-so",
        icon_name="list-ul",
        order=151,
    )
