"""RSS of the newest public records of each registry (``/du-lieu-khcn/rss/<registry>/``)."""

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Rss201rev2Feed

from skhcn.core.sitemaps import absolute_url
from skhcn.portal.feeds import FEED_SIZE

from .constants import DEMO_NOTICE
from .registry import REGISTRIES


class RegistryFeed(Feed):
    feed_type = Rss201rev2Feed
    language = "vi"

    def __init__(self, key: str):
        super().__init__()
        self.registry = REGISTRIES[key]

    def title(self):
        return f"{self.registry.title} – mục mới"

    def link(self):
        return absolute_url(reverse(self.registry.list_url_name))

    def feed_url(self):
        return absolute_url(reverse(self.registry.feed_url_name))

    def description(self):
        return self.registry.intro

    def items(self):
        return self.registry.public().order_by("-created_at", "-pk")[:FEED_SIZE]

    def item_title(self, item):
        title = getattr(item, "title", None) or getattr(item, "name", None) or getattr(item, "beneficiary", "")
        return f"[{DEMO_NOTICE}] {title}" if item.is_demo else title

    def item_description(self, item):
        return self.registry.describe(item)

    def item_link(self, item):
        return absolute_url(item.get_absolute_url())

    def item_guid(self, item):
        return f"{self.registry.key}:{item.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item.created_at

    def item_updateddate(self, item):
        return item.updated_at
