from skhcn.portal.tests.factories import ArticlePageFactory


def test_article_page_renders_with_breadcrumb(client, site_tree):
    article = ArticlePageFactory(parent=site_tree["science"], title="Dân vận khéo")
    response = client.get(f"/tin-tuc-su-kien/khoa-hoc-cong-nghe/{article.slug}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Tin tức sự kiện" in html and "Khoa học &amp; công nghệ" in html
    assert "Tổng số điểm của bài viết là: 0 trong 0 đánh giá" in html
