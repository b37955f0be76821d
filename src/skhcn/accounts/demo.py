"""Demo accounts: an administrator, an editor limited to one category, an approver, a verified citizen, and one
staff member per role of the one-stop process (``StaffRole``) with a demo division.

Passwords are generated on first run and kept in the data folder (never in git); ``make run`` prints them.
"""

import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.utils import timezone
from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Page

from skhcn.core.demo import demo_loader

from .constants import ApplicantKind, StaffRole
from .models import ApplicantProfile, Division, StaffProfile
from .staff import ROLE_GROUPS

LOGINS_FILE = settings.DATA_DIR / "demo_logins.txt"
EDITOR_GROUP = "Biên tập viên chuyên mục Khoa học & công nghệ"
EDITOR_CATEGORY_SLUG = "khoa-hoc-cong-nghe"
MODERATORS = "Moderators"  # created by Wagtail; its members approve the "Moderators approval" workflow
CITIZEN_EMAIL = "congdan@example.vn"
CITIZEN_PROFILE = {
    "kind": ApplicantKind.CITIZEN,
    "full_name": "Nguyễn Văn An (dữ liệu mẫu)",
    "phone": "0912345678",
    "id_number": "056090001234",
    "address": "Số 2 đường Trần Phú, phường Nha Trang, tỉnh Khánh Hòa (địa chỉ mẫu)",
}
DEMO_DIVISION = {"code": "quan-ly-chuyen-nganh-mau", "name": "Phòng Quản lý chuyên ngành (dữ liệu mẫu)"}
# username -> (role, full name, position, belongs to the demo division)
DEMO_STAFF = {
    "admin": (StaffRole.ADMINISTRATOR, "Quản trị hệ thống (dữ liệu mẫu)", "Quản trị hệ thống", False),
    "motcua": (StaffRole.ONE_STOP, "Lê Thị Một Cửa (dữ liệu mẫu)", "Cán bộ tiếp nhận", False),
    "truongphong": (StaffRole.DIVISION_HEAD, "Phạm Văn Trưởng (dữ liệu mẫu)", "Trưởng phòng", True),
    "chuyenvien": (StaffRole.SPECIALIST, "Hoàng Thị Chuyên (dữ liệu mẫu)", "Chuyên viên", True),
    "lanhdao": (StaffRole.LEADER, "Võ Văn Lãnh (dữ liệu mẫu)", "Phó Giám đốc Sở", False),
    "vanthu": (StaffRole.CLERK, "Đặng Thị Văn (dữ liệu mẫu)", "Văn thư", False),
}


def _permission(codename: str) -> Permission:
    app_label, name = codename.split(".")
    return Permission.objects.get(content_type__app_label=app_label, codename=name)


def _editor_group():
    group, _ = Group.objects.get_or_create(name=EDITOR_GROUP)
    group.permissions.add(_permission("wagtailadmin.access_admin"))
    # The portal's demo category (accounts sits below the portal: the page type is named, not imported).
    category = Page.objects.filter(
        slug=EDITOR_CATEGORY_SLUG, content_type__app_label="portal", content_type__model="categorypage"
    ).first()
    if category:
        for codename in ("wagtailcore.add_page", "wagtailcore.change_page"):
            GroupPagePermission.objects.get_or_create(group=group, page=category, permission=_permission(codename))
    root_collection = Collection.get_first_root_node()
    for codename in (
        "wagtailimages.add_image",
        "wagtailimages.choose_image",
        "wagtaildocs.add_document",
        "wagtaildocs.choose_document",
    ):
        GroupCollectionPermission.objects.get_or_create(
            group=group, collection=root_collection, permission=_permission(codename)
        )
    return group


@demo_loader("accounts", order=90)
def load_accounts_demo(stdout, if_empty: bool) -> None:
    """Last: the editor's page permission needs the portal's categories; the printed logins end the output."""
    for line in ensure_demo_users():
        stdout.write(line)


def ensure_demo_users() -> list[str]:
    """Create the demo accounts once; return the lines that tell how to log in."""
    User = get_user_model()
    accounts = [
        ("admin", "Quản trị hệ thống", None),
        ("editor", "Biên tập viên (chỉ chuyên mục Khoa học & công nghệ; gửi duyệt)", _editor_group()),
        ("approver", "Người duyệt tin (duyệt và xuất bản)", Group.objects.filter(name=MODERATORS).first()),
        *((name, f"{ROLE_GROUPS[role]} ({division_text})", None) for name, role, division_text in _staff_rows()),
        (CITIZEN_EMAIL, "Công dân nộp hồ sơ (đăng nhập tại /tai-khoan/dang-nhap/)", None),
    ]
    known = {}
    if LOGINS_FILE.exists():
        for line in LOGINS_FILE.read_text().splitlines():
            username, _, password = line.partition(" ")
            known[username] = password
    created = False
    for username, _role, group in accounts:
        if User.objects.filter(username=username).exists():
            continue
        password = secrets.token_urlsafe(9)
        if username == "admin":
            User.objects.create_superuser(username, "admin@example.invalid", password)
        elif username == CITIZEN_EMAIL:
            user = User.objects.create_user(username, CITIZEN_EMAIL, password)
            ApplicantProfile.objects.create(user=user, email_verified_at=timezone.now(), **CITIZEN_PROFILE)
        else:
            user = User.objects.create_user(username, f"{username}@example.invalid", password)
            if group:
                user.groups.add(group)
        known[username] = password
        created = True
    _ensure_staff_profiles()
    if created:
        LOGINS_FILE.write_text("".join(f"{u} {p}\n" for u, p in known.items()))
        LOGINS_FILE.chmod(0o600)
    lines = ["Tài khoản mẫu (cán bộ đăng nhập tại /admin/):"]
    for username, role, _group in accounts:
        password = known.get(username, "(đã đổi hoặc không do bản cài này tạo)")
        lines.append(f"  {username:<11} mật khẩu: {password:<14} {role}")
    lines.append(
        "  Lần đăng nhập đầu tiên vào /admin/, cán bộ thiết lập xác thực hai bước: quét mã QR bằng ứng dụng xác thực"
        " trên điện thoại và lưu 10 mã dự phòng."
    )
    return lines


def _staff_rows():
    for name, (role, _full_name, _position, in_division) in DEMO_STAFF.items():
        if name != "admin":
            yield name, role, DEMO_DIVISION["name"] if in_division else "cấp Sở"


def _ensure_staff_profiles() -> None:
    """One staff profile per demo staff account (the administrator is ``admin``); the division is created once."""
    User = get_user_model()
    division, _ = Division.objects.get_or_create(code=DEMO_DIVISION["code"], defaults={"name": DEMO_DIVISION["name"]})
    for username, (role, full_name, position, in_division) in DEMO_STAFF.items():
        user = User.objects.filter(username=username).first()
        if user is None or StaffProfile.objects.filter(user=user).exists():
            continue
        StaffProfile.objects.create(
            user=user,
            role=role,
            full_name=full_name,
            position=position,
            division=division if in_division else None,
        )
