"""Per-process copies of the site and the portal settings, so a page render does not look them up every time."""

from wagtail.models import Site

from skhcn.core import generation

from .models import PortalSettings

_cache: dict = {}


def _current() -> tuple:
    key = generation.current()  # any site or settings change bumps it
    if _cache.get("key") != key:
        sites = list(Site.objects.select_related("root_page")[:2])
        site = sites[0] if len(sites) == 1 else None
        _cache.update(key=key, site=site, settings=PortalSettings.for_site(site) if site else None)
    return _cache["site"], _cache["settings"]


class SiteContextMiddleware:
    """With a single site (the usual case), reuse its Site row, home page and PortalSettings across requests."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        site, portal_settings = _current()
        if site is not None:
            request._wagtail_site = site
            setattr(request, PortalSettings.get_cache_attr_name(), portal_settings)
        return self.get_response(request)
