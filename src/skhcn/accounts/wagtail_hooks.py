from django.contrib.auth import get_user_model
from django.db.models import Q
from django.urls import include, path, reverse
from wagtail import hooks
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import Button
from wagtail.permission_policies.base import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from . import security, staff_views
from .constants import StaffRole
from .models import Division, StaffProfile
from .staff import ROLE_GROUPS, is_administrator


class AdministratorOnlyPolicy(ModelPermissionPolicy):
    """Staff records are managed by administrators (role "Quản trị hệ thống") and superusers only."""

    def user_has_permission(self, user, action):
        return is_administrator(user)

    def user_has_any_permission(self, user, actions):
        return is_administrator(user)

    def users_with_any_permission(self, actions):
        return (
            get_user_model()
            .objects.filter(
                Q(is_superuser=True)
                | Q(groups__name=ROLE_GROUPS[StaffRole.ADMINISTRATOR])
                | Q(staff_profile__role=StaffRole.ADMINISTRATOR),
                is_active=True,
            )
            .distinct()
        )


register_permission_policy(Division, AdministratorOnlyPolicy(Division), exact_class=True)
register_permission_policy(StaffProfile, AdministratorOnlyPolicy(StaffProfile), exact_class=True)


class DivisionViewSet(ModelViewSet):
    model = Division
    name = "divisions"
    url_prefix = "phong-chuyen-mon"
    icon = "group"
    menu_label = "Phòng chuyên môn"
    copy_view_enabled = False
    inspect_view_enabled = False
    list_display = ["name", "code", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "code"]
    search_backend_name = None
    form_fields = ["code", "name", "is_active"]


def _two_factor_status(profile) -> str:
    return "Đã thiết lập" if security.has_two_factor(profile.user) else "Chưa thiết lập"


class StaffProfileViewSet(ModelViewSet):
    model = StaffProfile
    name = "staff_profiles"
    url_prefix = "can-bo"
    icon = "user"
    menu_label = "Cán bộ"
    copy_view_enabled = False
    inspect_view_enabled = False
    list_display = [
        "full_name",
        Column("user", label="Tên đăng nhập", accessor="user"),
        "role",
        "division",
        "position",
        Column("two_factor", label="Xác thực hai bước", accessor=_two_factor_status),
    ]
    list_filter = ["role", "division"]
    search_fields = ["full_name", "position", "user__username"]
    search_backend_name = None
    form_fields = ["user", "full_name", "role", "division", "position", "phone"]

    def get_queryset(self, request):
        return StaffProfile.objects.select_related("user", "division")


class StaffViewSetGroup(ViewSetGroup):
    menu_label = "Cán bộ và đơn vị"
    menu_name = "staff_and_divisions"
    menu_icon = "group"
    menu_order = 260
    items = (StaffProfileViewSet, DivisionViewSet)


@hooks.register("register_admin_viewset")
def register_staff_viewsets():
    return StaffViewSetGroup()


@hooks.register("register_admin_urls")
def register_two_factor_urls():
    patterns = [
        path("", staff_views.manage, name="manage"),
        path("thiet-lap/", staff_views.enrol, name="enrol"),
        path("xac-minh/", staff_views.verify, name="verify"),
        path("ma-du-phong/", staff_views.recovery_codes, name="recovery_codes"),
        path("dat-lai/<int:user_id>/", staff_views.admin_reset, name="admin_reset"),
    ]
    return [path("xac-thuc-hai-buoc/", include((patterns, "staff_2fa"), namespace="staff_2fa"))]


@hooks.register("register_account_menu_item")
def two_factor_account_item(request):
    return {
        "url": reverse("staff_2fa:manage"),
        "label": "Xác thực hai bước",
        "help_text": "Ứng dụng xác thực trên điện thoại, mã dự phòng, đặt lại khi đổi hoặc mất điện thoại.",
    }


@hooks.register("register_user_listing_buttons")
def two_factor_reset_button(user, request_user):
    if is_administrator(request_user) and security.has_two_factor(user):
        yield Button(
            "Đặt lại xác thực hai bước",
            reverse("staff_2fa:admin_reset", args=[user.pk]),
            icon_name="key",
            priority=60,
        )


@hooks.register("register_log_actions")
def register_staff_log_actions(actions):
    security.register_log_actions(actions)
