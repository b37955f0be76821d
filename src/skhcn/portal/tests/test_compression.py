import gzip

import pytest
from django.test import Client

from skhcn.portal.tests.factories import ArticlePageFactory


def _body(response) -> str:
    assert response["Content-Encoding"] == "gzip"
    assert int(response["Content-Length"]) == len(response.content)
    return gzip.decompress(response.content).decode()


@pytest.mark.django_db
def test_pages_are_gzipped_on_a_miss_and_on_a_cache_hit_with_fresh_csrf_tokens(site_tree):
    article = ArticlePageFactory(parent=site_tree["science"], title="Bài nén gzip")
    first, second = Client(HTTP_ACCEPT_ENCODING="gzip, deflate, br"), Client(HTTP_ACCEPT_ENCODING="gzip")
    miss, hit = first.get(article.url), second.get(article.url)
    assert (miss["X-Cache"], hit["X-Cache"]) == ("MISS", "HIT")
    assert "Accept-Encoding" in hit["Vary"]
    hit_html = _body(hit)
    assert "Bài nén gzip" in _body(miss)
    assert "Bài nén gzip" in hit_html
    # The live fragments are filled in before compression: no marker leaks, each visitor gets its own token.
    assert "<!--live:" not in hit_html
    assert miss.cookies["csrftoken"].value != hit.cookies["csrftoken"].value
    assert 'name="csrfmiddlewaretoken"' in hit_html  # the rating form


@pytest.mark.django_db
def test_without_accept_encoding_the_page_is_plain(client, site_tree):
    article = ArticlePageFactory(parent=site_tree["science"])
    for _ in range(2):
        response = client.get(article.url)
        assert not response.has_header("Content-Encoding")
        assert b"<html" in response.content


@pytest.mark.django_db
def test_feeds_are_compressed_but_binary_responses_are_not(site_tree):
    browser = Client(HTTP_ACCEPT_ENCODING="gzip")
    feed = browser.get("/rss/")
    assert feed.status_code == 200
    assert "<rss" in _body(feed)
