import pytest
from django.test import RequestFactory

from skhcn.core import fragments
from skhcn.core.pagecache import Entry, LRUBytes


def test_split_and_render_fill_markers():
    fragments.provider("test_echo")(lambda request, arg: f"<b>{arg}</b>")
    parts = fragments.split(b"a<!--live:test_echo:42-->b<!--live:unknown:1-->c")
    assert parts == [b"a", ("test_echo", "42"), b"b", ("unknown", "1"), b"c"]
    assert fragments.render(RequestFactory().get("/"), parts) == b"a<b>42</b>bc"


def test_lru_is_bounded_by_bytes():
    lru = LRUBytes(max_bytes=1000)
    for i in range(10):
        lru.set(str(i), Entry(generation=1, expires=1e18, headers=[], parts=[b"x"], size=200))
    assert lru.size <= 1000
    assert lru.get("0") is None and lru.get("9") is not None


@pytest.mark.django_db
def test_anonymous_page_is_served_from_cache_until_content_changes(
    client, site_tree, django_capture_on_commit_callbacks
):
    from skhcn.core import generation
    from skhcn.portal.tests.factories import ArticlePageFactory

    article = ArticlePageFactory(parent=site_tree["science"], title="Bài một")
    url = "/tin-tuc-su-kien/khoa-hoc-cong-nghe/"
    first = client.get(url)
    assert first["X-Cache"] == "MISS"
    assert client.get(url)["X-Cache"] == "HIT"

    article.title = "Bài một đã sửa"
    with django_capture_on_commit_callbacks(execute=True):
        article.save_revision().publish()
    generation.forget()  # other processes notice within CONTENT_GENERATION_CHECK_SECONDS
    response = client.get(url)
    assert response["X-Cache"] == "MISS"
    assert "Bài một đã sửa" in response.content.decode()


@pytest.mark.django_db
def test_logged_in_users_and_posts_bypass_the_cache(client, site_tree, django_user_model):
    url = "/tin-tuc-su-kien/"
    client.get(url)
    assert client.get(url)["X-Cache"] == "HIT"
    user = django_user_model.objects.create_user("staff", password="x-Very-long-1")
    client.force_login(user)
    assert "X-Cache" not in client.get(url)


@pytest.mark.django_db
def test_drafts_and_previews_are_never_cached(client, site_tree, django_user_model):
    from skhcn.core.pagecache import page_cache
    from skhcn.portal.tests.factories import ArticlePageFactory

    draft = ArticlePageFactory(parent=site_tree["science"], title="Bản nháp bí mật", live=False)
    assert client.get(f"/tin-tuc-su-kien/khoa-hoc-cong-nghe/{draft.slug}/").status_code == 404
    admin = django_user_model.objects.create_superuser("boss", "b@example.invalid", "x-Very-long-1")
    client.force_login(admin)
    preview = client.get(f"/admin/pages/{draft.id}/view_draft/")
    assert preview.status_code == 200
    assert "Bản nháp bí mật" in preview.content.decode()
    client.logout()
    assert not any("ban-nhap" in key for key in page_cache.data)
    assert client.get(f"/tin-tuc-su-kien/khoa-hoc-cong-nghe/{draft.slug}/").status_code == 404


@pytest.mark.django_db
def test_cached_page_carries_a_fresh_csrf_token_per_visitor(site_tree):
    from django.test import Client

    from skhcn.portal.tests.factories import ArticlePageFactory

    article = ArticlePageFactory(parent=site_tree["science"])
    url = article.url
    first, second = Client(), Client()
    r1 = first.get(url)
    r2 = second.get(url)
    assert r2["X-Cache"] == "HIT"
    assert "csrftoken" in r1.cookies and "csrftoken" in r2.cookies
    assert r1.cookies["csrftoken"].value != r2.cookies["csrftoken"].value


@pytest.mark.django_db
def test_content_length_matches_the_filled_body(client, site_tree):
    from skhcn.portal.tests.factories import ArticlePageFactory

    article = ArticlePageFactory(parent=site_tree["science"])
    for _ in range(2):  # miss, then hit
        response = client.get(article.url)
        if response.has_header("Content-Length"):
            assert int(response["Content-Length"]) == len(response.content)


@pytest.mark.django_db
def test_a_page_with_a_view_restriction_is_private_and_never_cached(
    client, site_tree, django_capture_on_commit_callbacks
):
    from wagtail.models import PageViewRestriction

    from skhcn.portal.tests.factories import ArticlePageFactory

    article = ArticlePageFactory(parent=site_tree["science"], title="Tin nội bộ")
    assert client.get(article.url).status_code == 200  # public first, and cached
    with django_capture_on_commit_callbacks(execute=True):
        PageViewRestriction.objects.create(page=site_tree["science"], restriction_type="login")
    response = client.get(article.url)
    assert response.status_code == 302 and "/login" in response["Location"]
    assert "Tin nội bộ" not in client.get(article.url).content.decode()


def test_csrf_token_unmasks_to_the_cookie_secret_and_is_uniform():
    from collections import Counter

    from django.middleware.csrf import CSRF_ALLOWED_CHARS, _check_token_format, _unmask_cipher_token

    from skhcn.core.fragments import _random_chars, csrf_token

    request = RequestFactory().get("/")
    request.META["CSRF_COOKIE"] = "s" * 32
    tokens = {csrf_token(request) for _ in range(50)}
    assert len(tokens) == 50  # a fresh mask every time
    for token in tokens:
        _check_token_format(token)
        assert _unmask_cipher_token(token) == "s" * 32
    fresh = RequestFactory().get("/")
    csrf_token(fresh)
    assert len(fresh.META["CSRF_COOKIE"]) == 32 and fresh.META["CSRF_COOKIE_NEEDS_UPDATE"]
    counts = Counter("".join(_random_chars(32) for _ in range(2000)))
    assert set(counts) == set(CSRF_ALLOWED_CHARS)
    assert max(counts.values()) < 1.3 * min(counts.values())


@pytest.mark.django_db
@pytest.mark.parametrize("host", ["evil.example", "127.0.0.1:8000@evil", "a" * 300, "[::1"])
def test_forged_host_headers_get_a_400_not_a_500(site_tree, host):
    from django.test import Client

    client = Client(raise_request_exception=False, HTTP_HOST=host)
    for url in ("/", "/tin-tuc-su-kien/", "/khong-co/", "/tim-kiem/?q=a", "/thong-ke/"):
        response = client.get(url)
        assert response.status_code == 400, (url, response.status_code)
        assert "Yêu cầu không hợp lệ" in response.content.decode()


@pytest.mark.django_db
def test_a_page_that_cannot_be_made_again_is_served_from_the_last_copy(site_tree, settings, monkeypatch):
    """The database restarts: an expired cached page is served as it was (X-Cache STALE), not an error page."""
    from django.db import OperationalError
    from django.test import Client

    from skhcn.core import generation
    from skhcn.portal.models import CategoryPage

    url = "/tin-tuc-su-kien/khoa-hoc-cong-nghe/"
    browser = Client(raise_request_exception=False)
    settings.PAGE_CACHE_TTL = 0  # every copy is out of date at once
    assert browser.get(url)["X-Cache"] == "MISS"

    def database_away(*args, **kwargs):
        raise OperationalError("the database system is shutting down")

    monkeypatch.setattr(CategoryPage, "serve", database_away)
    monkeypatch.setattr(generation.ContentGeneration.objects, "filter", database_away)
    generation._state["checked"] = 0  # the next request asks the database for the generation
    stale = browser.get(url)
    assert stale.status_code == 200 and stale["X-Cache"] == "STALE"
    assert "Khoa học &amp; công nghệ" in stale.content.decode()
    assert browser.get("/tin-tuc-su-kien/").status_code == 500  # never cached: nothing to fall back on
