"""Related articles: the editor's picks first, then the newest articles sharing a tag (both query paths)."""

import pytest

from skhcn.portal import queries
from skhcn.portal.models import ArticleRelatedLink

from .factories import ArticlePageFactory


def _titles(article):
    chosen, tags = queries.article_links_and_tags(article)
    return [link.title for link in queries.related_articles(article, chosen, [tag_id for tag_id, _ in tags])]


@pytest.mark.parametrize("rare_tag_rows", [300, 1], ids=["few-sharing", "many-sharing"])
def test_related_articles_order_and_exclusions(site_tree, monkeypatch, rare_tag_rows):
    monkeypatch.setattr(queries, "RARE_TAG_ROWS", rare_tag_rows)
    science = site_tree["science"]
    article = ArticlePageFactory(parent=science, title="Bài chính", tags=["trúc sào", "Cao Bằng"])
    older = ArticlePageFactory(parent=science, title="Cũ", tags=["trúc sào"])
    newer = ArticlePageFactory(parent=science, title="Mới", tags=["Cao Bằng", "trúc sào"])
    ArticlePageFactory(parent=science, title="Không cùng từ khóa", tags=["khác"])
    hidden = ArticlePageFactory(parent=science, title="Đã gỡ", tags=["trúc sào"])
    hidden.unpublish()
    picked = ArticlePageFactory(parent=science, title="Biên tập chọn")
    ArticleRelatedLink.objects.create(article=article, target=picked, sort_order=0)
    ArticleRelatedLink.objects.create(article=article, target=older, sort_order=1)

    # the picks in the editor's order, then the newest tag-sharing article not already listed; never itself
    assert _titles(article) == ["Biên tập chọn", "Cũ", "Mới"]
    assert newer.published_at > older.published_at


def test_related_articles_without_tags_or_picks(site_tree):
    article = ArticlePageFactory(parent=site_tree["science"], title="Đơn lẻ")
    assert _titles(article) == []
