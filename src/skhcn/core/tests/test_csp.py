"""Every HTML page carries the Content-Security-Policy header, pages served from the page cache and error pages too;
the public side has no inline script or style for the strict policy to block; the Wagtail admin gets its allowances."""

import io
import re

import pytest
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import path

from skhcn import urls as project_urls

HEADER = "Content-Security-Policy"
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/(?:ld\+)?json\")[^>]*>", re.I)
INLINE_STYLE = re.compile(r"<style\b|\sstyle=\"", re.I)


def directives(response) -> dict[str, list[str]]:
    policy = response[HEADER]
    return {part.split()[0]: part.split()[1:] for part in (p.strip() for p in policy.split(";")) if part}


@pytest.fixture
def demo(db, tmp_path, monkeypatch):
    import skhcn.accounts.demo as accounts_demo

    monkeypatch.setattr(accounts_demo, "LOGINS_FILE", tmp_path / "logins.txt")
    call_command("load_demo", stdout=io.StringIO())


def public_urls() -> list[str]:
    from skhcn.core.pages import page_url
    from skhcn.portal.models import ArticlePage, CategoryPage
    from skhcn.procedures.models import Procedure
    from skhcn.registries.registry import REGISTRIES
    from skhcn.registries.tests.factories import FilmFactory

    film = FilmFactory(embed_url="https://www.youtube.com/watch?v=dQw4w9WgXcQ", is_public=True)
    article = ArticlePage.objects.live().first()
    category = CategoryPage.objects.live().first()
    procedure = Procedure.objects.first()
    return [
        "/",
        page_url(article),
        page_url(category),
        "/tim-kiem/?q=khoa+hoc",
        "/thong-ke/",
        "/thu-tuc-hanh-chinh/",
        f"/thu-tuc-hanh-chinh/{procedure.code}/",
        "/dich-vu-cong/tra-cuu/",
        "/tai-khoan/dang-nhap/",
        "/tai-khoan/dang-ky/",
        "/du-lieu-khcn/",
        *(f"/du-lieu-khcn/{registry.slug}/" for registry in REGISTRIES.values()),
        film.get_absolute_url(),
        "/trang-khong-ton-tai/",
    ]


def test_public_pages_carry_the_strict_policy_and_no_inline_code(client, demo):
    for url in public_urls():
        response = client.get(url)
        assert response.status_code in (200, 404), url
        assert response["Content-Type"].startswith("text/html"), url
        policy = directives(response)
        assert policy["default-src"] == ["'self'"], url
        assert policy["script-src"] == ["'self'"], url
        assert policy["style-src"] == ["'self'"], url
        assert policy["object-src"] == ["'none'"], url
        assert "https://www.youtube-nocookie.com" in policy["frame-src"], url
        html = response.content.decode()
        assert not INLINE_SCRIPT.search(html), (url, INLINE_SCRIPT.search(html).group(0))
        assert not INLINE_STYLE.search(html), (url, html[INLINE_STYLE.search(html).start() - 80 :][:200])


def test_a_page_served_from_the_page_cache_carries_the_header(client, demo, settings):
    from skhcn.core.pages import page_url
    from skhcn.portal.models import ArticlePage

    settings.PAGE_CACHE_ENABLED = True
    url = page_url(ArticlePage.objects.live().first())
    first, second = client.get(url), client.get(url)
    assert (first["X-Cache"], second["X-Cache"]) == ("MISS", "HIT")
    assert second[HEADER] == first[HEADER]
    assert directives(second)["script-src"] == ["'self'"]


def test_staff_admin_pages_get_the_admin_allowances(client, demo):
    from django.contrib.auth import get_user_model

    from skhcn.portal.models import ArticlePage

    admin = get_user_model().objects.create_superuser("quan-tri-csp", "qt-csp@example.vn", "mat-khau-dai-123")
    client.force_login(admin)
    article = ArticlePage.objects.live().first()
    for url in ("/admin/", f"/admin/pages/{article.pk}/edit/", "/admin/login/"):
        response = client.get(url)
        assert response.status_code in (200, 302), url
        policy = directives(response)
        assert "'unsafe-inline'" in policy["script-src"], url
        assert "'unsafe-inline'" in policy["style-src"], url
        assert policy["object-src"] == ["'none'"], url
    # Logged in, the public side keeps the strict policy (no page cache for sessions).
    assert directives(client.get("/"))["script-src"] == ["'self'"]


def _broken_view(request):
    raise RuntimeError("lỗi thử")


def _bad_request_view(request):
    from django.core.exceptions import SuspiciousOperation

    raise SuspiciousOperation("yêu cầu lạ")


urlpatterns = [
    path("loi-500/", _broken_view),
    path("loi-400/", _bad_request_view),
    *project_urls.urlpatterns,
]
handler400 = project_urls.handler400
handler404 = project_urls.handler404
handler500 = project_urls.handler500


@override_settings(ROOT_URLCONF=__name__)
def test_error_pages_carry_the_header_and_no_inline_code(db):
    client = Client(raise_request_exception=False)
    for url, status in (("/loi-500/", 500), ("/loi-400/", 400)):
        response = client.get(url)
        assert response.status_code == status
        assert directives(response)["script-src"] == ["'self'"]
        assert not INLINE_STYLE.search(response.content.decode())


@pytest.mark.parametrize("path", ["/", "/admin/", "/tim-kiem/"])
def test_the_reused_header_is_what_django_csp_would_build(rf, path, settings):
    """The middleware builds the header once per kind of page; it must equal django-csp's own, and follow the
    settings when they change."""
    from csp.middleware import CSPMiddleware
    from django.http import HttpResponse

    from skhcn.core.csp import ContentSecurityPolicyMiddleware

    class GeneralPath(ContentSecurityPolicyMiddleware):
        def process_response(self, request, response):
            return CSPMiddleware.process_response(self, request, response)

    ours = ContentSecurityPolicyMiddleware(lambda request: HttpResponse())
    reference = GeneralPath(lambda request: HttpResponse())
    assert ours(rf.get(path))[HEADER] == reference(rf.get(path))[HEADER]
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"default-src": ["'self'", "https://example.vn"]}}
    assert "https://example.vn" in ours(rf.get(path))[HEADER]
    assert ours(rf.get(path))[HEADER] == reference(rf.get(path))[HEADER]


def test_a_view_with_its_own_policy_still_gets_it(rf):
    from csp.decorators import csp_update
    from django.http import HttpResponse

    from skhcn.core.csp import ContentSecurityPolicyMiddleware

    @csp_update({"img-src": ["https://anh.example.vn"]})
    def view(request):
        return HttpResponse()

    middleware = ContentSecurityPolicyMiddleware(view)
    assert "https://anh.example.vn" in middleware(rf.get("/"))[HEADER]
    assert (
        "https://anh.example.vn" not in ContentSecurityPolicyMiddleware(lambda r: HttpResponse())(rf.get("/"))[HEADER]
    )
