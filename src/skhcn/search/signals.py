"""Keep the index current: each handler touches only the article (or category) concerned."""

from django.db.models.signals import post_delete, post_migrate
from wagtail.signals import page_published, page_unpublished, post_page_move

from . import indexing


def article_published(sender, instance, **kwargs):
    indexing.index_article(instance)


def article_gone(sender, instance, **kwargs):
    indexing.remove_article(instance.pk)


def category_published(sender, instance, **kwargs):
    indexing.index_missing_below(instance)


def category_unpublished(sender, instance, **kwargs):
    indexing.remove_below(instance)


def page_moved(sender, instance, **kwargs):
    # ``instance`` has the new tree path; one UPDATE fixes the category path of every article moved with it.
    indexing.refresh_paths_below(instance)


def index_after_first_migrate(sender, app_config, using="default", **kwargs):
    """An existing site that gains the search app gets its index on `migrate` (no separate step to forget)."""
    from skhcn.portal.models import ArticlePage

    from .models import ArticleSearchEntry

    if app_config.label != "site_search":
        return
    if not ArticleSearchEntry.objects.using(using).exists() and ArticlePage.objects.using(using).live().exists():
        indexing.rebuild()


def connect():
    from skhcn.portal.models import ArticlePage, CategoryPage

    page_published.connect(article_published, sender=ArticlePage, dispatch_uid="site_search.article_published")
    page_unpublished.connect(article_gone, sender=ArticlePage, dispatch_uid="site_search.article_unpublished")
    post_delete.connect(article_gone, sender=ArticlePage, dispatch_uid="site_search.article_deleted")
    page_published.connect(category_published, sender=CategoryPage, dispatch_uid="site_search.category_published")
    page_unpublished.connect(category_unpublished, sender=CategoryPage, dispatch_uid="site_search.category_unpublished")
    post_page_move.connect(page_moved, dispatch_uid="site_search.page_moved")
    post_migrate.connect(index_after_first_migrate, dispatch_uid="site_search.post_migrate")
