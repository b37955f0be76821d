"""The S&T registries in the sitemap: the index, each registry's list and every public record."""

from django.urls import reverse

from skhcn.core.sitemaps import BaseUrlSitemap

from .registry import REGISTRIES


class RecordSitemap(BaseUrlSitemap):
    def items(self):
        items = ["registries:index"]
        for registry in REGISTRIES.values():
            items.append(registry.list_url_name)
            items += registry.model.objects.filter(is_public=True).only("code", "updated_at").order_by("pk")
        return items

    def location(self, item):
        return reverse(item) if isinstance(item, str) else item.get_absolute_url()

    def lastmod(self, item):
        return None if isinstance(item, str) else item.updated_at
