from django_tasks import task

from skhcn.core.jobs import periodic

from .stores import get_store


@task()
def rollup_visits() -> int:
    """Move visit counts from Redis into the database history (no-op in embedded mode)."""
    return get_store().rollup()


@periodic("visits.rollup", every=5)
def rollup_pending_visits() -> None:
    """Redis mode: counts flushed by the web workers reach the statistics tables within about 5 seconds."""
    get_store().rollup()
