"""factory-boy factories for portal pages; pages are inserted into the Wagtail tree and published."""

from datetime import timedelta

import factory
from django.utils import timezone
from wagtail.models import Page, Site

from skhcn.core.text import vietnamese_slug
from skhcn.portal.models import ArticlePage, CategoryPage, HomePage


def content_changed() -> None:
    """What a committed publish does (tests run inside a transaction, so on-commit hooks never fire)."""
    from django.db.models import F

    from skhcn.core import generation
    from skhcn.core.models import ContentGeneration

    ContentGeneration.objects.filter(pk=1).update(value=F("value") + 1)
    generation.forget()


class PageFactory(factory.Factory):
    """Creates the page under ``parent`` and publishes it unless ``live=False``."""

    class Meta:
        abstract = True

    slug = factory.LazyAttribute(lambda o: vietnamese_slug(o.title))

    @classmethod
    def _create(cls, model_class, *args, parent=None, live=True, tags=(), **kwargs):
        page = model_class(**kwargs)
        parent.add_child(instance=page)
        for tag in tags:
            page.tags.add(tag)
        revision = page.save_revision()
        if live:
            revision.publish()
        else:
            page.live = False
            page.save(update_fields=["live"])
        page.refresh_from_db()
        content_changed()
        return page


class HomePageFactory(PageFactory):
    class Meta:
        model = HomePage

    title = "Trang nhất"

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        root = Page.get_first_root_node()
        home = super()._create(model_class, *args, parent=root, **kwargs)
        Site.objects.update_or_create(
            is_default_site=True, defaults={"hostname": "localhost", "port": 80, "root_page": home}
        )
        return home


class CategoryPageFactory(PageFactory):
    class Meta:
        model = CategoryPage

    title = factory.Sequence(lambda n: f"Chuyên mục {n}")
    show_in_menus = True


class ArticlePageFactory(PageFactory):
    class Meta:
        model = ArticlePage

    title = factory.Sequence(lambda n: f"Bài viết số {n}")
    lead = "Tóm tắt bài viết."
    author_name = "HK"
    published_at = factory.Sequence(lambda n: timezone.now() - timedelta(days=1000 - n))
    body = factory.LazyAttribute(lambda o: [("paragraph", f"<p>Nội dung của {o.title}.</p>")])
