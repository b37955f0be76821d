"""The registries of core are filled by the apps (core imports none of them)."""

from skhcn.core import demo, search_sources
from skhcn.portal.models import ArticlePage, CategoryPage
from skhcn.registries.registry import REGISTRIES


def test_demo_loaders_run_pages_first_and_accounts_last():
    assert [loader.name for loader in demo.registered()] == ["portal", "procedures", "registries", "accounts"]


def test_search_groups_are_the_procedures_then_each_registry_in_order():
    labels = [source.label for source in search_sources.sources()]
    assert labels == ["Thủ tục hành chính", *(registry.title for registry in REGISTRIES.values())]


def test_the_portal_registers_its_articles_for_the_full_text_index():
    index = search_sources.page_index()
    assert (index.model, index.section_model) == (ArticlePage, CategoryPage)
