"""Staff roles: one Django group per ``StaffRole``, and the helpers other apps use to ask "who is this user?".

``staff_profile(user)`` gives the ``StaffProfile`` (or None); ``has_role(user, StaffRole.X, ...)`` tells whether the
user holds any of the roles, through the profile or membership of the role's group. Superusers count as
administrators. Saving a ``StaffProfile`` puts its user in the role's group (and out of the other role groups).
"""

from django.apps import apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ObjectDoesNotExist
from django.db.models.signals import post_delete, post_migrate, post_save

from .constants import StaffRole
from .models import StaffProfile

ROLE_GROUPS: dict[str, str] = {
    StaffRole.ONE_STOP: "Bộ phận Một cửa",
    StaffRole.DIVISION_HEAD: "Lãnh đạo phòng",
    StaffRole.SPECIALIST: "Chuyên viên",
    StaffRole.LEADER: "Lãnh đạo Sở",
    StaffRole.CLERK: "Văn thư",
    StaffRole.ADMINISTRATOR: "Quản trị hệ thống",
}
GROUP_ROLES: dict[str, str] = {name: role for role, name in ROLE_GROUPS.items()}
ADMIN_ACCESS = ("wagtailadmin", "access_admin")


# Administrators also manage user accounts and groups (Wagtail's "Người dùng" and "Nhóm") and the search's synonym
# table ("Từ viết tắt và từ đồng nghĩa"; the search app sits above this one: named by its label, not imported).
ADMINISTRATOR_PERMISSIONS = [
    (app_label, f"{action}_{model}")
    for app_label, model in (("auth", "user"), ("auth", "group"), ("site_search", "synonym"))
    for action in ("add", "change", "delete", "view")
]


def ensure_role_groups() -> dict[str, Group]:
    """Create the role groups (idempotent); each may enter the Wagtail admin. Returns them by role."""
    # post_migrate reaches this app before django.contrib.auth (and the search app) have created their permissions on
    # a fresh database.
    for app_label in {app_label for app_label, _ in ADMINISTRATOR_PERMISSIONS}:
        create_permissions(apps.get_app_config(app_label), verbosity=0)
    access = Permission.objects.filter(content_type__app_label=ADMIN_ACCESS[0], codename=ADMIN_ACCESS[1]).first()
    admin_permissions = [
        permission
        for app_label, codename in ADMINISTRATOR_PERMISSIONS
        if (permission := Permission.objects.filter(content_type__app_label=app_label, codename=codename).first())
    ]
    groups = {}
    for role, name in ROLE_GROUPS.items():
        group, _ = Group.objects.get_or_create(name=name)
        if access is not None:
            group.permissions.add(access)
        if role == StaffRole.ADMINISTRATOR:
            group.permissions.add(*admin_permissions)
        groups[role] = group
    return groups


def role_group(role: str) -> Group:
    group = Group.objects.filter(name=ROLE_GROUPS[role]).first()
    return group or ensure_role_groups()[role]


def staff_profile(user) -> StaffProfile | None:
    """The staff profile of a logged-in user, or None (anonymous users, citizens, staff without a profile)."""
    if user is None or not user.is_authenticated:
        return None
    try:
        return user.staff_profile
    except ObjectDoesNotExist:
        return None


def user_roles(user) -> frozenset[str]:
    """All roles of the user (profile role, role groups, administrator for superusers); cached on the user object."""
    if user is None or not user.is_authenticated or not user.is_active:
        return frozenset()
    cached = getattr(user, "_skhcn_staff_roles", None)
    if cached is not None:
        return cached
    roles = {GROUP_ROLES[name] for name in user.groups.filter(name__in=GROUP_ROLES).values_list("name", flat=True)}
    if (profile := staff_profile(user)) is not None:
        roles.add(profile.role)
    if user.is_superuser:
        roles.add(StaffRole.ADMINISTRATOR)
    user._skhcn_staff_roles = frozenset(roles)
    return user._skhcn_staff_roles


def has_role(user, *roles: str) -> bool:
    """Whether the user holds any of ``roles`` (superusers count as administrators)."""
    return not user_roles(user).isdisjoint(roles)


def is_administrator(user) -> bool:
    return has_role(user, StaffRole.ADMINISTRATOR)


def sync_role_group(profile: StaffProfile) -> None:
    """Put the profile's user in its role's group and out of the other role groups."""
    user = profile.user
    keep = role_group(profile.role)
    others = Group.objects.filter(name__in=ROLE_GROUPS.values()).exclude(pk=keep.pk)
    user.groups.remove(*others)
    user.groups.add(keep)
    user.__dict__.pop("_skhcn_staff_roles", None)


def _profile_saved(sender, instance, **kwargs):
    if not kwargs.get("raw"):
        sync_role_group(instance)


def _profile_deleted(sender, instance, **kwargs):
    try:
        user = instance.user
    except ObjectDoesNotExist:  # the user itself is being deleted
        return
    user.groups.remove(*Group.objects.filter(name=ROLE_GROUPS.get(instance.role)))


def _after_migrate(sender, **kwargs):
    ensure_role_groups()


def connect_signals(app_config) -> None:
    post_save.connect(_profile_saved, sender=StaffProfile, dispatch_uid="skhcn.staff.profile_saved")
    post_delete.connect(_profile_deleted, sender=StaffProfile, dispatch_uid="skhcn.staff.profile_deleted")
    post_migrate.connect(_after_migrate, sender=app_config, dispatch_uid="skhcn.staff.role_groups")
