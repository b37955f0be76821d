"""The <head> of public pages: one meta description (the page's own, else the site's), a default og:image, the
favicon links, and /favicon.ico answering."""

import re

import pytest

from skhcn.portal.tests.factories import ArticlePageFactory
from skhcn.procedures.tests.factories import ProcedureFactory

pytestmark = pytest.mark.django_db

DEFAULT_OG = "/static/portal/og-default.png"


def _head(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode().split("</head>", 1)[0]


def _descriptions(head):
    return re.findall(r'<meta name="description" content="([^"]*)">', head)


def _og_images(head):
    return re.findall(r'<meta property="og:image" content="([^"]*)">', head)


def _icons(head):
    return re.findall(r'<link rel="icon" href="([^"]*)"', head)


def test_home_has_the_site_description_default_image_and_favicon(client, site_tree):
    head = _head(client, "/")
    [description] = _descriptions(head)
    assert "Sở Khoa học và Công nghệ" in description and description.endswith("khoa học và công nghệ.")
    assert [url.endswith(DEFAULT_OG) for url in _og_images(head)] == [True]
    assert any(url.endswith("/static/portal/favicon.svg") for url in _icons(head))


def test_home_uses_its_search_description(client, site_tree):
    home = site_tree["home"]
    home.search_description = "Cổng tin của Sở <KH&CN>"
    home.save_revision().publish()
    assert _descriptions(_head(client, "/")) == ["Cổng tin của Sở &lt;KH&amp;CN&gt;"]


def test_article_description_from_search_description_then_lead(client, site_tree):
    with_seo = ArticlePageFactory(
        parent=site_tree["science"], title="Bài có mô tả", search_description="Mô tả cho máy tìm kiếm", lead="Sapo A"
    )
    with_lead = ArticlePageFactory(parent=site_tree["science"], title="Bài chỉ có sapo", lead="Sapo <b>đậm</b> của bài")
    without = ArticlePageFactory(parent=site_tree["science"], title="Bài không tóm tắt", lead="")
    assert _descriptions(_head(client, with_seo.url)) == ["Mô tả cho máy tìm kiếm"]
    assert _descriptions(_head(client, with_lead.url)) == ["Sapo đậm của bài"]
    [fallback] = _descriptions(_head(client, without.url))
    assert "Sở Khoa học và Công nghệ" in fallback
    # No cover image: the default og:image, once.
    assert [url.endswith(DEFAULT_OG) for url in _og_images(_head(client, without.url))] == [True]


def test_article_with_a_cover_keeps_its_own_og_image(client, site_tree):
    from wagtail.images import get_image_model
    from wagtail.images.tests.utils import get_test_image_file

    cover = get_image_model().objects.create(title="Ảnh bìa", file=get_test_image_file())
    article = ArticlePageFactory(parent=site_tree["science"], title="Bài có ảnh bìa", cover_image=cover)
    [image] = _og_images(_head(client, article.url))
    assert DEFAULT_OG not in image and "/media/" in image


def test_procedure_page_has_one_description_and_the_default_image(client, site_tree):
    procedure = ProcedureFactory(code="1.014445.H38", name="Cấp Giấy chứng nhận doanh nghiệp khoa học và công nghệ")
    head = _head(client, f"/thu-tuc-hanh-chinh/{procedure.code}/")
    assert _descriptions(head) == [f"Thủ tục {procedure.code}: {procedure.name}"]
    assert [url.endswith(DEFAULT_OG) for url in _og_images(head)] == [True]
    assert any(url.endswith("/static/portal/favicon.svg") for url in _icons(head))
    assert _descriptions(_head(client, "/thu-tuc-hanh-chinh/"))[0].startswith("Danh mục thủ tục hành chính")


@pytest.mark.parametrize("url", ["/thong-ke/", "/tim-kiem/", "/du-lieu-khcn/", "/du-lieu-khcn/phim/", "/so-do-trang/"])
def test_other_public_pages_have_exactly_one_description(client, site_tree, url):
    descriptions = _descriptions(_head(client, url))
    assert len(descriptions) == 1 and descriptions[0].strip()


def test_favicon_ico_answers(client, settings):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("/static/portal/favicon.ico")
    assert client.post("/favicon.ico").status_code == 405
    from django.contrib.staticfiles import finders

    for name in ("portal/favicon.ico", "portal/favicon.svg", "portal/apple-touch-icon.png", "portal/og-default.png"):
        assert finders.find(name), name


def test_canonical_and_og_links_use_the_base_url_not_the_host_header(client, site_tree, settings):
    settings.WAGTAILADMIN_BASE_URL = "https://skhcn.example.gov.vn/"
    settings.ALLOWED_HOSTS = ["testserver", "other.example"]
    html = client.get("/", HTTP_HOST="other.example").content.decode()
    assert '<link rel="canonical" href="https://skhcn.example.gov.vn/">' in html
    assert 'content="https://skhcn.example.gov.vn/"' in html  # og:url
    assert "other.example" not in html
