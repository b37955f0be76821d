"""The Wagtail admin speaks Vietnamese to staff and loads no avatar from gravatar.com (docs/man-hinh-can-bo.md)."""

import gettext
import importlib
import json
import re
from pathlib import Path

import django
import pytest
import taggit
import wagtail
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from wagtail.images import get_image_model
from wagtail.users.models import UserProfile

from skhcn.accounts.constants import StaffRole
from skhcn.portal.demo.loader import load_demo
from skhcn.portal.models import ArticlePage, SidebarBlock

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
    for text in ["Ẩn/hiện thanh bên", "Trình đơn chính", "Thu gọn tất cả", "%(num)s lỗi"]:
        assert _shows(catalogue, text), text
    # One plural form: the count of errors in the editor's minimap reads "%(num)s lỗi" for any number.
    assert "const v = 0;" in catalogue


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


def _po_raw(path: Path) -> list[dict[str, str]]:
    """The entries of a .po file (header included), each a dict of its unescaped keywords: msgid, msgstr..."""
    entries, key, current = [], None, {}
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        match = re.fullmatch(r'(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+"(.*)"', line)
        if match:
            key = match[1]
            current[key] = match[2]
        elif line.startswith('"') and key:
            current[key] += line[1:-1]
        elif not line.strip() and current:
            entries.append(current)
            key, current = None, {}

    def unescape(text):
        return text.replace('\\"', '"').replace("\\n", "\n").replace("\\\\", "\\")

    return [{keyword: unescape(text) for keyword, text in entry.items()} for entry in entries]


def _po_entries(path: Path) -> dict:
    """The .po file as gettext's catalogue: msgid -> msgstr, and (msgid, 0) -> msgstr[0] for a plural entry.

    Vietnamese has one plural form (``Plural-Forms: nplurals=1; plural=0;``): a plural entry has msgstr[0] only.
    """
    catalogue = {}
    for entry in _po_raw(path):
        assert set(entry) <= {"msgid", "msgid_plural", "msgstr", "msgstr[0]"}, f"unsupported entry: {entry}"
        if not entry["msgid"]:
            continue
        if "msgid_plural" in entry:
            catalogue[(entry["msgid"], 0)] = entry["msgstr[0]"]
        else:
            catalogue[entry["msgid"]] = entry["msgstr"]
    return catalogue


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


def _source_messages(domain: str) -> set[tuple[str, str | None]]:
    """(msgid, msgid_plural) of every message Wagtail, Django and django-taggit (the tag field's help text) mark for
    translation, from their English catalogues."""
    roots = [Path(wagtail.__file__).parent, Path(django.__file__).parent, Path(taggit.__file__).parent]
    messages = set()
    for root in roots:
        for path in root.glob(f"**/locale/en/LC_MESSAGES/{domain}.po"):
            messages |= {(entry["msgid"], entry.get("msgid_plural")) for entry in _po_raw(path) if entry["msgid"]}
    return messages


@pytest.mark.parametrize("domain", ["django", "djangojs"])
def test_every_override_is_a_message_of_an_installed_package(domain):
    """An entry whose msgid (or plural msgid) is not exactly Wagtail's or Django's is never used: after an upgrade
    that rewords a message, this test names the stale entries."""
    source = _source_messages(domain)
    ours = [entry for entry in _po_raw(CATALOGUE / f"{domain}.po") if entry["msgid"]]
    stale = [entry["msgid"] for entry in ours if (entry["msgid"], entry.get("msgid_plural")) not in source]
    assert not stale


def _title(html: str) -> str:
    return " ".join(re.search(r"<title>(.*?)</title>", html, re.S)[1].split())


# Each admin page staff use daily: Vietnamese that must show, and English that used to show and must not. A pattern
# in ENGLISH_COUNTS is a plural form left in English ("3 pages", "1 image"...).
ENGLISH_COUNTS = re.compile(r"\b\d+ (pages?|images?|documents?|items?)\b|Referenced \d+ times?|\d+-\d+ of \d+")


def _admin_pages(article, category, image, sidebar_block):
    return {
        "/admin/": (
            ['trang <span class="w-sr-only">đã tạo trên', 'hình ảnh <span class="w-sr-only">đã tạo trên'],
            ["Pages <span", "Images <span", "created in", "editor guide"],
        ),
        f"/admin/pages/{category.pk}/": (
            ["Thêm trang con", "Ai cũng có thể sửa trang này", "Được dùng"],
            ["Add child page", "Anyone can edit", "Referenced", 'aria-label="Actions"'],
        ),
        f"/admin/pages/{article.pk}/edit/": (
            ["Tiêu đề trang*", "Trạng thái: ", "Quyền xem trang: ", "Đường dẫn (slug)", "Giải thích số liệu"],
            [
                "Page title*",
                "Status:",
                "Page visibility:",
                "Slug",
                "Show in menus",
                "This data explained",
                "comma-separated",
            ],
        ),
        f"/admin/pages/{article.pk}/history/": (["Bản đang xuất bản"], ["Live version", "log entries"]),
        f"/admin/pages/{category.pk}/add_subpage/": (["Chọn loại trang muốn tạo."], ["Choose which type"]),
        "/admin/pages/search/?q=khoa": (["trang phù hợp"], ["matching page"]),
        "/admin/snippets/portal/sidebarblock/": (["Xoá các đoạn nội dung đã chọn"], ["Delete selected snippets"]),
        f"/admin/snippets/portal/sidebarblock/edit/{sidebar_block.pk}/": (
            ["Tiêu đề cấp 2", "Danh sách đánh số"],
            ["Heading 2", "Numbered list"],
        ),
        "/admin/images/": (["Sắp xếp theo"], ["Sort by"]),
        f"/admin/images/{image.pk}/": (
            ["Điểm trọng tâm", "Đổi tệp hình ảnh:", "Dung lượng tệp"],
            ["Remove focal area", "Change image file:", "Filesize", "Max dimensions"],
        ),
        "/admin/users/": (["Sắp xếp theo “", "Thao tác khác cho “"], ["Sort by '", "More options for '"]),
        "/admin/account/": (
            ["Giao diện trang quản trị", "Độ tương phản", "Mật độ hiển thị"],
            ["Admin theme", "Contrast", "Density", "Receive notification when comments"],
        ),
        "/admin/reports/aging-pages/": (["Xuất bản lần cuối"], ["Last published"]),
        "/admin/reports/site-history/": (["Ngày / giờ"], ["Date / Time", "Edit this item"]),
        "/admin/workflows/list/": (["Được dùng cho"], ["Used by", "Show disabled"]),
        "/admin/collections/": (["Chưa có bộ sưu tập nào."], ["Why not"]),
        "/admin/ho-so/hang-doi/can-xu-ly/": ([], []),
    }


def test_main_admin_pages_are_in_vietnamese(client):
    load_demo()
    article = ArticlePage.objects.live().first()
    category = article.get_parent()
    image = get_image_model().objects.first()
    admin = get_user_model().objects.create_superuser("quantri", "qt@example.invalid", "mat-khau-quan-tri")
    verified_staff_login(client, admin)
    for url, (vietnamese, english) in _admin_pages(article, category, image, SidebarBlock.objects.first()).items():
        html = _text(client.get(url))
        for text in vietnamese:
            assert _shows(html, text), (url, text)
        for text in english:
            assert text not in html, (url, text)
        assert not ENGLISH_COUNTS.search(html), (url, ENGLISH_COUNTS.search(html)[0])
        assert _title(html).endswith(" - Quản trị skhcn"), (url, _title(html))


def test_admin_titles_no_longer_end_with_wagtail(client):
    # The sign-in page too: every admin page extends wagtailadmin/admin_base.html (our override of it).
    assert _title(_text(client.get("/admin/login/"))) == "Đăng nhập - Quản trị skhcn"
    staff = StaffFactory(role=StaffRole.SPECIALIST)
    verified_staff_login(client, staff)
    for url in ["/admin/", "/admin/account/", "/admin/xac-thuc-hai-buoc/"]:
        title = _title(_text(client.get(url)))
        assert title.endswith(" - Quản trị skhcn") and "Wagtail" not in title, (url, title)


def test_django_admin_is_in_vietnamese(client):
    admin = get_user_model().objects.create_superuser("quantri", "qt@example.invalid", "mat-khau-quan-tri")
    verified_staff_login(client, admin)
    index = _text(client.get("/django-admin/"))
    assert _title(index) == "Quản trị hệ thống | Quản trị skhcn"
    for text in ["Quản trị hệ thống skhcn", "Tên mô hình dữ liệu", "Đổi giao diện (hiện tại: tự động)"]:
        assert text in index, text
    for english in ["Site administration", "Django", "Model name", "Toggle theme", "Toggle navigation"]:
        assert english not in index, english
    users = _text(client.get("/django-admin/auth/user/add/"))
    assert "Đăng nhập bằng mật khẩu" in users and "Password-based authentication" not in users
