"""Keep the index current: each handler touches only the article (or category) concerned."""

from django.db.models.signals import post_delete, post_migrate, post_save
from wagtail.signals import page_published, page_unpublished, post_page_move

from skhcn.core import generation
from skhcn.core.search_sources import page_index

from . import indexing, matching
from .models import ArticleSearchEntry, Synonym


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
    if app_config.label != "site_search":
        return
    if not ArticleSearchEntry.objects.using(using).exists() and page_index().documents().using(using).exists():
        indexing.rebuild()


def synonyms_changed(sender, **kwargs):
    """A staff edit of the synonym table: this process reads it again now, the others on the next generation."""
    matching.forget()
    generation.bump()


def connect():
    """Called by ``AppConfig.ready()``: the indexed page models are registered by then (in their ``models.py``)."""
    pages = page_index()
    article, category = pages.model, pages.section_model
    page_published.connect(article_published, sender=article, dispatch_uid="site_search.article_published")
    page_unpublished.connect(article_gone, sender=article, dispatch_uid="site_search.article_unpublished")
    post_delete.connect(article_gone, sender=article, dispatch_uid="site_search.article_deleted")
    page_published.connect(category_published, sender=category, dispatch_uid="site_search.category_published")
    page_unpublished.connect(category_unpublished, sender=category, dispatch_uid="site_search.category_unpublished")
    post_page_move.connect(page_moved, dispatch_uid="site_search.page_moved")
    post_migrate.connect(index_after_first_migrate, dispatch_uid="site_search.post_migrate")
    post_save.connect(synonyms_changed, sender=Synonym, dispatch_uid="site_search.synonym_saved")
    post_delete.connect(synonyms_changed, sender=Synonym, dispatch_uid="site_search.synonym_deleted")
