from django.contrib.syndication.views import Feed
from django.http import Http404
from django.urls import reverse
from django.utils.feedgenerator import Rss201rev2Feed
from django.utils.html import strip_tags

from skhcn.core.pages import page_url
from skhcn.core.sitemaps import absolute_url

from .models import CategoryPage, HomePage, PortalSettings, category_articles

FEED_SIZE = 30


class ArticleFeed(Feed):
    """Newest articles; every address starts with ``BASE_URL``, whatever host the request came by."""

    feed_type = Rss201rev2Feed
    language = "vi"

    def get_object(self, request, category_id=None):
        if category_id is None:
            home = HomePage.objects.live().first()
            if home is None:
                raise Http404("Chưa có trang nhất")
            return home
        category = CategoryPage.objects.live().filter(id=category_id).first()
        if category is None:
            raise Http404("Chuyên mục không tồn tại")
        return category

    def title(self, obj):
        site_title = PortalSettings.for_site(obj.get_site()).site_title
        return site_title if isinstance(obj, HomePage) else f"{obj.title} - {site_title}"

    def link(self, obj):
        return absolute_url(page_url(obj))

    def feed_url(self, obj):
        return absolute_url(reverse("rss") if isinstance(obj, HomePage) else reverse("rss-category", args=[obj.id]))

    def description(self, obj):
        return "Tin mới nhất" if isinstance(obj, HomePage) else (obj.intro or f"Tin mới của chuyên mục {obj.title}")

    def items(self, obj):
        return category_articles(obj)[:FEED_SIZE]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return strip_tags(item.lead)

    def item_link(self, item):
        return absolute_url(page_url(item))

    def item_pubdate(self, item):
        return item.published_at
