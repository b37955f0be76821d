from skhcn.portal.tests.factories import ArticlePageFactory


def test_article_page_renders_with_breadcrumb(client, site_tree):
    article = ArticlePageFactory(parent=site_tree["science"], title="Dân vận khéo")
    response = client.get(f"/tin-tuc-su-kien/khoa-hoc-cong-nghe/{article.slug}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Tin tức sự kiện" in html and "Khoa học &amp; công nghệ" in html
    assert "Tổng số điểm của bài viết là: 0 trong 0 đánh giá" in html


def test_time_datetime_attributes_carry_no_microseconds(client, site_tree):
    """W3C Nu: <time datetime> with microseconds is an error; the pages write seconds and the offset."""
    import re
    from datetime import UTC, datetime

    from skhcn.portal.tests.factories import ArticlePageFactory

    article = ArticlePageFactory(
        parent=site_tree["science"],
        title="Bài có thời điểm lẻ micro giây",
        published_at=datetime(2024, 5, 6, 1, 2, 3, 456789, tzinfo=UTC),
    )
    for url in ("/", article.url, site_tree["science"].url):
        html = client.get(url).content.decode()
        values = re.findall(r'<time datetime="([^"]*)"', html)
        assert values, url
        for value in values:
            assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d", value), (url, value)
        assert '<time datetime="2024-05-06T08:02:03+07:00">' in html, url
