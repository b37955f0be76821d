"""The Wagtail admin speaks Vietnamese to staff and loads no avatar from gravatar.com (docs/man-hinh-can-bo.md)."""

import gettext
import importlib
import json
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from wagtail.users.models import UserProfile

from skhcn.accounts.constants import StaffRole

from .factories import StaffFactory, verified_staff_login

pytestmark = pytest.mark.django_db

# A module name starting with a digit cannot be imported with ``import``.
LANGUAGE_MIGRATION = importlib.import_module("skhcn.accounts.migrations.0003_admin_language_vietnamese")
CATALOGUE = Path(settings.BASE_DIR) / "locale" / "vi" / "LC_MESSAGES"


def _text(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def _shows(html: str, text: str) -> bool:
    # The sidebar menu is JSON inside the page, where non-ASCII letters are \\u-escaped.
    return text in html or json.dumps(text)[1:-1] in html


def test_sign_in_page_is_in_vietnamese(client):
    html = _text(client.get("/admin/login/"))
    assert '<html lang="vi"' in html
    for text in ["Đăng nhập trang quản trị", "Tên đăng nhập", "Mật khẩu", "Ghi nhớ đăng nhập", "Quên mật khẩu?"]:
        assert text in html, text
    for english in ["Sign in to Wagtail", "Password", "Remember me", "Forgotten password?", "Help"]:
        assert english not in html, english


def test_dashboard_and_account_page_are_in_vietnamese(client):
    staff = StaffFactory(role=StaffRole.SPECIALIST)
    verified_staff_login(client, staff)
    dashboard = _text(client.get("/admin/"))
    assert '<html lang="vi"' in dashboard
    for text in ["Trợ giúp", "Tài khoản", "Phím tắt", "Lưu thay đổi", "Chuyển đến nội dung chính"]:
        assert _shows(dashboard, text), text
    for english in ["Sign in to Wagtail", "Remember me", "Help", "Keyboard shortcuts", "Skip to main content"]:
        assert english not in dashboard, english
    account = _text(client.get("/admin/account/"))
    for text in ["Hồ sơ cá nhân", "Ảnh đại diện", "Mật khẩu", "Lưu"]:
        assert text in account, text
    for english in ["Help", "Profile picture", "Name and Email"]:
        assert english not in account, english


def test_admin_javascript_catalogue_is_in_vietnamese(client):
    # The sidebar and the editor draw these strings in the browser, from Wagtail's JavaScript catalogue.
    staff = StaffFactory(role=StaffRole.SPECIALIST)
    verified_staff_login(client, staff)
    catalogue = _text(client.get("/admin/jsi18n/"))
    for text in ["Ẩn/hiện thanh bên", "Trình đơn chính", "Thu gọn tất cả"]:
        assert _shows(catalogue, text), text


def test_admin_offers_no_other_language():
    # The account page has no language choice, so no staff member can switch the admin to English.
    assert [code for code, _name in settings.WAGTAILADMIN_PERMITTED_LANGUAGES] == ["vi"]
    assert settings.LANGUAGE_CODE == "vi"


def test_listings_use_vietnamese_buttons(client):
    admin = get_user_model().objects.create_superuser("quantri", "qt@example.invalid", "mat-khau-quan-tri")
    verified_staff_login(client, admin)
    images = _text(client.get("/admin/images/"))
    for text in ["Hình ảnh", "Thêm hình ảnh", "Sắp xếp theo"]:
        assert _shows(images, text), text
    for english in ["Add an image", "Sort by", "Help"]:
        assert english not in images, english


def test_no_gravatar_on_the_admin_pages_staff_see(client):
    assert settings.WAGTAIL_GRAVATAR_PROVIDER_URL is None
    staff = StaffFactory(role=StaffRole.SPECIALIST, email="can.bo@example.vn")
    verified_staff_login(client, staff)
    pages = {url: _text(client.get(url)) for url in ["/admin/", "/admin/account/", "/admin/ho-so/hang-doi/can-xu-ly/"]}
    admin = get_user_model().objects.create_superuser("quantri", "qt@example.invalid", "mat-khau-quan-tri")
    verified_staff_login(client, admin)
    pages |= {url: _text(client.get(url)) for url in ["/admin/users/", "/admin/pages/", "/admin/documents/"]}
    for url, html in pages.items():
        assert "gravatar" not in html.lower(), url
        assert "/static/wagtailadmin/images/default-user-avatar.png" in html, url


def _po_entries(path: Path) -> dict[str, str]:
    """msgid -> msgstr of a .po file (no plurals or contexts, which this catalogue does not use)."""
    entries, key, current = {}, None, {}
    for line in path.read_text(encoding="utf-8").splitlines():
        match = re.fullmatch(r'(msgctxt|msgid_plural|msgid|msgstr)\s+"(.*)"', line)
        if match:
            assert match[1] in {"msgid", "msgstr"}, f"unsupported entry: {line}"
            key = match[1]
            current[key] = match[2]
        elif line.startswith('"') and key:
            current[key] += line[1:-1]
        if key == "msgstr" and not line.strip():
            entries[current["msgid"]] = current["msgstr"]
            key, current = None, {}
    if current:
        entries[current["msgid"]] = current["msgstr"]

    def unescape(text):
        return text.replace('\\"', '"').replace("\\n", "\n").replace("\\\\", "\\")

    return {unescape(msgid): unescape(msgstr) for msgid, msgstr in entries.items() if msgid}


@pytest.mark.parametrize("domain", ["django", "djangojs"])
def test_compiled_catalogue_matches_the_po_file(domain):
    """Each .mo is its compiled .po: run `make messages` after editing a .po."""
    po = _po_entries(CATALOGUE / f"{domain}.po")
    with (CATALOGUE / f"{domain}.mo").open("rb") as handle:
        mo = gettext.GNUTranslations(handle)._catalog
    mo.pop("", None)
    assert mo == po
    assert all(po.values()), "every entry is translated"


def test_staff_who_had_picked_english_get_vietnamese_again(client):
    english, default = StaffFactory(), StaffFactory()
    profile = UserProfile.get_for_user(english)
    profile.preferred_language = "en"
    profile.save()
    UserProfile.get_for_user(default)
    LANGUAGE_MIGRATION.back_to_server_language(apps, None)
    assert set(UserProfile.objects.values_list("preferred_language", flat=True)) == {""}
    verified_staff_login(client, english)
    assert '<html lang="vi"' in _text(client.get("/admin/"))
