"""Sitemaps whose addresses start with the portal's one base URL (``BASE_URL``), whatever host a request came by.

``absolute_url`` is the same base for the feeds and robots.txt. The sections (pages, procedures, records) are put
together in ``skhcn.site_map``; the apps define their own sections on these classes.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from wagtail.contrib.sitemaps import Sitemap as WagtailSitemap


def base_url() -> str:
    """``BASE_URL`` without its trailing slash, e.g. ``https://skhcn.caobang.gov.vn``."""
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/")


def absolute_url(path: str) -> str:
    """``/thu-tuc-hanh-chinh/`` -> ``https://skhcn.caobang.gov.vn/thu-tuc-hanh-chinh/`` (absolute URLs kept)."""
    if urlsplit(path).scheme:
        return path
    return base_url() + path


class BaseUrlSitemap(Sitemap):
    """A Django sitemap section whose locations are ``BASE_URL`` + ``location(item)``."""

    limit = 5000

    def get_urls(self, page=1, site=None, protocol=None):
        parts = urlsplit(base_url())
        return self._urls(page, parts.scheme or "https", parts.netloc + parts.path)


class PageSitemap(WagtailSitemap):
    """Wagtail's sitemap of live public pages, with each address moved under ``BASE_URL``.

    Wagtail builds the addresses from the site's hostname in Settings › Sites (often ``localhost``).
    """

    def _urls(self, page, protocol, domain):
        urls = super()._urls(page, protocol, domain)
        for info in urls:
            parts = urlsplit(info["location"])
            info["location"] = absolute_url(parts.path + (f"?{parts.query}" if parts.query else ""))
        return urls
