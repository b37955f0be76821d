# The public lists search every folded word with LIKE '%word%' (``services.apply_search``): on PostgreSQL a trigram
# GIN index serves it instead of a scan of the whole table (bench/bench_records.py). pg_trgm is a trusted extension
# (PostgreSQL 13+), created by dossiers 0004 too. SQLite has no such index.

from django.db import migrations

TRIGRAM_INDEXES = {
    "registry_task_search_trgm": ("registries_sciencetask", "search_text"),
    "registry_enterprise_search_trgm": ("registries_scienceenterprise", "search_text"),
    "registry_ip_search_trgm": ("registries_intellectualproperty", "search_text"),
    "registry_support_search_trgm": ("registries_supportgrant", "search_text"),
    "registry_publication_search_trgm": ("registries_publication", "search_text"),
    "registry_publication_pdf_trgm": ("registries_publication", "pdf_search"),
    "registry_film_search_trgm": ("registries_film", "search_text"),
}


def create_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, (table, column) in TRIGRAM_INDEXES.items():
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ({column} gin_trgm_ops)")


def drop_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in TRIGRAM_INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("registries", "0001_initial")]

    operations = [migrations.RunPython(create_trigram_indexes, drop_trigram_indexes)]
