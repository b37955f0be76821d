"""The catalogue's group in the site search results (registered from ``AppConfig.ready()``)."""

from django.urls import reverse

from skhcn.core import search_sources

from .services import filter_catalogue

search_sources.register(
    search_sources.SearchSource(
        key="procedures",
        label="Thủ tục hành chính",
        search=lambda query: filter_catalogue(query=query),
        list_url=lambda: reverse("procedures:list"),
        order=10,
    )
)
