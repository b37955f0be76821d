"""What a site search finds besides articles: administrative procedures and the S&T records (each group a few
matches, a count and a link to the full list with the same words). The same accent-insensitive word matching as those
lists use, so "cap giay chung nhan" finds here what it finds there. The groups are the sources the apps register in
``skhcn.core.search_sources``."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from skhcn.core import search_sources

SHOWN_PER_GROUP = 5


@dataclass(frozen=True)
class Group:
    title: str
    total: int
    items: list[tuple[str, str]]  # (text, url)
    more_url: str


def _group(title: str, queryset, list_url: str, query: str) -> Group | None:
    items = list(queryset[:SHOWN_PER_GROUP])
    if not items:
        return None
    total = len(items) if len(items) < SHOWN_PER_GROUP else queryset.count()
    return Group(
        title=title,
        total=total,
        items=[(str(item), item.get_absolute_url()) for item in items],
        more_url=f"{list_url}?{urlencode({'q': query})}",
    )


def other_matches(query: str) -> list[Group]:
    groups = [
        _group(source.label, source.search(query), source.list_url(), query) for source in search_sources.sources()
    ]
    return [group for group in groups if group is not None]
