"""factory-boy factory of the synonym table, and the data migration's pairs (also used by the procedures' and the
registries' search tests)."""

import importlib

import factory

from skhcn.search.models import Synonym

SEED = importlib.import_module("skhcn.search.migrations.0004_seed_synonyms").SEED


class SynonymFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Synonym
        django_get_or_create = ("term", "expansion")

    term = factory.Sequence(lambda n: f"TV{n}")
    expansion = factory.Sequence(lambda n: f"Từ viết tắt thử nghiệm {n}")


def seed_synonyms() -> None:
    """The pairs of the data migration (a test database flushed by a transactional test has lost them)."""
    for term, expansion in SEED:
        SynonymFactory(term=term, expansion=expansion)
