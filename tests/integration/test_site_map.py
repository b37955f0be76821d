"""The XML sitemap, the site map page for people, and what the public must not see (editors' data notes)."""

import re
from xml.etree import ElementTree

import pytest
from django.core.management import call_command

from skhcn.portal.tests.factories import ArticlePageFactory, CategoryPageFactory
from skhcn.procedures.constants import DataStatus
from skhcn.procedures.models import Procedure
from skhcn.procedures.tests.factories import ProcedureFactory, ProcedureFieldFactory
from skhcn.registries.tests.factories import EnterpriseFactory, FilmFactory, TaskFactory

pytestmark = pytest.mark.django_db

BASE = "https://skhcn.example.gov.vn"
NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
EDITOR_NOTE = "Nguồn: thuvienphapluat bulletin key1=M%3DprME9EYzTX.\nTình trạng đối chiếu: verified.\n(NĐ 80/2007 era)"


@pytest.fixture
def content(site_tree, settings):
    settings.WAGTAILADMIN_BASE_URL = BASE + "/"
    field = ProcedureFieldFactory(code="hdkhcn", name="Hoạt động khoa học và công nghệ")
    return {
        "article": ArticlePageFactory(parent=site_tree["science"], title="Tin sơ đồ"),
        "hidden_category": CategoryPageFactory(parent=site_tree["home"], title="Chuyên mục nháp", live=False),
        "procedure": ProcedureFactory(
            code="1.014445.H38",
            name="Cấp Giấy chứng nhận doanh nghiệp khoa học và công nghệ",
            field=field,
            source=EDITOR_NOTE,
            data_status=DataStatus.VERIFIED,
        ),
        "inactive": ProcedureFactory(code="1.000002.H38", name="Thủ tục đã bãi bỏ", field=field, is_active=False),
        "task": TaskFactory(),
        "enterprise": EnterpriseFactory(),
        "film": FilmFactory(),
        "hidden": TaskFactory(is_public=False),
    }


def locations(response) -> list[str]:
    root = ElementTree.fromstring(response.content)  # noqa: S314 - our own sitemap
    return [element.text for element in root.findall("s:url/s:loc", NS)]


def test_sitemap_lists_pages_procedures_and_records_under_base_url(client, content):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    urls = locations(response)
    assert urls and all(url.startswith(BASE + "/") for url in urls), urls
    text = response.content.decode()
    assert "localhost" not in text and "testserver" not in text and "127.0.0.1" not in text
    for path in [
        "/",
        "/tin-tuc-su-kien/khoa-hoc-cong-nghe/",
        content["article"].url,
        "/thu-tuc-hanh-chinh/",
        "/thu-tuc-hanh-chinh/1.014445.H38/",
        "/du-lieu-khcn/",
        "/du-lieu-khcn/nhiem-vu/",
        content["task"].get_absolute_url(),
        content["enterprise"].get_absolute_url(),
        content["film"].get_absolute_url(),
    ]:
        assert BASE + path in urls, path
    assert BASE + "/thu-tuc-hanh-chinh/1.000002.H38/" not in urls
    assert BASE + content["hidden"].get_absolute_url() not in urls
    assert not any("chuyen-muc-nhap" in url for url in urls)
    assert len(urls) == len(set(urls))


def test_sitemap_lists_every_procedure_of_the_demo_catalogue(client, settings, monkeypatch, tmp_path):
    import skhcn.accounts.demo as accounts_demo

    settings.WAGTAILADMIN_BASE_URL = BASE
    monkeypatch.setattr(accounts_demo, "LOGINS_FILE", tmp_path / "logins.txt")
    call_command("load_demo")
    urls = locations(client.get("/sitemap.xml"))
    codes = Procedure.objects.filter(is_active=True).values_list("code", flat=True)
    assert len(codes) == 50
    assert {f"{BASE}/thu-tuc-hanh-chinh/{code}/" for code in codes} <= set(urls)
    assert all(url.startswith(BASE + "/") for url in urls)

    # The editors' notes of the demo data stay out of the public pages.
    home = client.get("/").content.decode()
    assert "Cài đặt ›" not in home and "sửa trong" not in home
    assert "Sở Khoa học và Công nghệ tỉnh Cao Bằng" in home
    for code in codes:
        html = client.get(f"/thu-tuc-hanh-chinh/{code}/").content.decode()
        for note in ("key1=", "bulletin", "verified", " era", "Tình trạng đối chiếu", "Giả định của dữ liệu mẫu"):
            assert note not in html, (code, note)


@pytest.mark.parametrize("query", ["?p=0", "?p=2", "?p=999999", "?p=abc", "?p=", "?a=%ff&p=1&p=2", "?x=<script>"])
def test_sitemap_bad_input_is_no_server_error(client, content, query):
    response = client.get("/sitemap.xml" + query)
    assert response.status_code in (200, 404)


def test_site_map_page_lists_the_sections(client, content):
    response = client.get("/so-do-trang/")
    assert response.status_code == 200
    html = response.content.decode()
    for text in [
        '<h1 class="page-title">Sơ đồ trang</h1>',
        ">Chuyên mục tin</h2>",
        ">Thủ tục hành chính</h2>",
        ">Dữ liệu khoa học và công nghệ</h2>",
        ">Dịch vụ công trực tuyến</h2>",
        'href="/tin-tuc-su-kien/">Tin tức sự kiện</a>',
        'href="/tin-tuc-su-kien/khoa-hoc-cong-nghe/">Khoa học &amp; công nghệ</a>',
        "<h3>Hoạt động khoa học và công nghệ</h3>",
        'href="/thu-tuc-hanh-chinh/1.014445.H38/">Cấp Giấy chứng nhận doanh nghiệp khoa học và công nghệ</a>',
        'href="/du-lieu-khcn/nhiem-vu/"',
        'href="/du-lieu-khcn/phim/"',
        'href="/dich-vu-cong/tra-cuu/">Tra cứu hồ sơ</a>',
        'href="/dich-vu-cong/ho-so-cua-toi/">Hồ sơ của tôi</a>',
    ]:
        assert text in html, text
    assert "Thủ tục đã bãi bỏ" not in html and "Chuyên mục nháp" not in html and "Tin sơ đồ" not in html
    # Categories nest: the child category's list sits inside its parent's item.
    assert re.search(r"Tin tức sự kiện</a><ul><li><a [^>]*>Khoa học &amp; công nghệ</a>", html)


def test_footer_links_to_the_site_map_page_and_has_no_editor_hint(client, content):
    html = client.get("/").content.decode()
    footer = html[html.index('<footer class="site-footer">') :]
    assert '<a href="/so-do-trang/">Sơ đồ trang</a>' in footer and "/sitemap.xml" not in footer
    assert "Cài đặt" not in footer
    assert "<p>Sở Khoa học và Công nghệ tỉnh Cao Bằng</p>" in footer  # the agency, when no address is set


def test_procedure_page_hides_the_editor_note_which_the_admin_still_shows(client, content, django_user_model):
    procedure = content["procedure"]
    html = client.get(procedure.get_absolute_url()).content.decode()
    assert "Cấp Giấy chứng nhận doanh nghiệp khoa học và công nghệ" in html
    for note in ("key1=", "bulletin", "verified", "era)", "Nguồn thông tin", "Tình trạng đối chiếu"):
        assert note not in html, note
    admin = django_user_model.objects.create_superuser("quantri", "quantri@example.com", "mat-khau-dai-123")
    client.force_login(admin)
    edit = client.get(f"/admin/thu-tuc-hanh-chinh/edit/{procedure.pk}/").content.decode()
    assert "thuvienphapluat bulletin key1=M%3DprME9EYzTX" in edit and "Tình trạng đối chiếu: verified." in edit
