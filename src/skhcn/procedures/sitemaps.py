"""The catalogue in the sitemap: the list and every procedure in force."""

from django.urls import reverse

from skhcn.core.sitemaps import BaseUrlSitemap

from .models import Procedure


class ProcedureSitemap(BaseUrlSitemap):
    def items(self):
        return [None, *Procedure.objects.filter(is_active=True).only("code", "updated_at").order_by("code")]

    def location(self, item):
        return item.get_absolute_url() if item else reverse("procedures:list")

    def lastmod(self, item):
        return item.updated_at if item else None
