"""What the site search covers, registered by the apps that own it: the search app imports no feature app.

Two kinds of source:

- ``PageIndex``: the Wagtail pages indexed in full text (the portal's articles, grouped under its categories). The
  portal registers it in its ``models.py``, next to the models (like Wagtail's ``register_setting``), so that it is
  known before any ``AppConfig.ready()`` runs: the search app connects its page signals to these models there.
  Exactly one is registered: the index table has one row per page of that model.
- ``SearchSource``: public records listed below the articles, a few matches per group with a link to the full list
  ("Thủ tục hành chính", each S&T registry). Apps register them from their ``AppConfig.ready()``.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured
from django.db.models import QuerySet


@dataclass(frozen=True)
class PageIndex:
    key: str
    label: str  # what a hit is, in Vietnamese ("Bài viết")
    # The page model with one index entry per live page; the search reads its title, lead, body (a StreamField),
    # tags, author_name, published_at and path.
    model: type
    # The pages that group them: a section going offline hides the pages below it; the search form filters by one.
    section_model: type

    def documents(self) -> QuerySet:
        """The live pages to index (a live page below an offline section is left out by the search itself)."""
        return self.model.objects.live()

    def sections(self) -> QuerySet:
        return self.section_model.objects.live()


@dataclass(frozen=True)
class SearchSource:
    key: str
    label: str  # the group's title on the results page, in Vietnamese
    # The public records matching the words, in the order shown; a record gives its text (str) and get_absolute_url().
    search: Callable[[str], QuerySet]
    list_url: Callable[[], str]  # the full public list, which takes the same words as ?q=
    order: int = 100


_page_indexes: dict[str, PageIndex] = {}
_sources: dict[str, SearchSource] = {}


def register_pages(index: PageIndex) -> PageIndex:
    _page_indexes[index.key] = index
    return index


def page_index() -> PageIndex:
    if len(_page_indexes) != 1:
        raise ImproperlyConfigured(f"The site search needs exactly one PageIndex; {len(_page_indexes)} registered.")
    return next(iter(_page_indexes.values()))


def register(source: SearchSource) -> SearchSource:
    _sources[source.key] = source
    return source


def sources() -> list[SearchSource]:
    """The registered sources in their order (ties: registration order)."""
    return sorted(_sources.values(), key=lambda source: source.order)
