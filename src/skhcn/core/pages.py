"""Wagtail page helpers that know no feature app.

``page_url`` computes a page's address from its ``url_path`` (no per-page site lookup): the article page, the search
results, the feeds and the statistics page all build many links.
"""

from wagtail.models import Site

from . import generation

_cache: dict = {}


def _site_root_path() -> str | None:
    """The default site's root url_path, or None when several sites exist (then Wagtail's URLs are used)."""
    key = generation.current()
    if _cache.get("key") != key:
        roots = list(Site.objects.values_list("root_page__url_path", flat=True)[:2])
        _cache.update(key=key, root=roots[0] if len(roots) == 1 else None)
    return _cache["root"]


def page_url(page) -> str:
    """The page's address; ``page`` needs ``url_path`` (and ``url`` when several sites exist)."""
    root = _site_root_path()
    if root and page.url_path.startswith(root):
        return "/" + page.url_path[len(root) :]
    return page.url
