from . import generation
from .sitemaps import base_url


def content_generation(request):
    """The key under which process-local fragment caches keep the page chrome, and the site's absolute base URL.

    The base URL is the one configured (``BASE_URL``), never the request's Host header: canonical links, og:url and
    share links name the same address as the sitemap, feeds, e-mails and PDFs.
    """
    return {"content_generation": generation.current(), "base_url": base_url()}
