"""Each registry's group in the site search results, after the procedures (registered from ``AppConfig.ready()``)."""

from functools import partial

from django.urls import reverse

from skhcn.core import search_sources

from .registry import REGISTRIES, Registry
from .services import apply_search, titles_first


def _matches(registry: Registry, query: str):
    return titles_first(apply_search(registry.public(), query, registry.search_extra), query, ["-pk"])


for position, registry in enumerate(REGISTRIES.values()):
    search_sources.register(
        search_sources.SearchSource(
            key=f"registries.{registry.key}",
            label=registry.title,
            search=partial(_matches, registry),
            list_url=partial(reverse, registry.list_url_name),
            order=20 + position,
        )
    )
