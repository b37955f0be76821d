from django_tasks import task

from .stores import get_store


@task()
def rollup_visits() -> int:
    """Move visit counts from Redis into the database history (no-op in embedded mode)."""
    return get_store().rollup()
