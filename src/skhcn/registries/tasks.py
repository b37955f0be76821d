from django_tasks import task

from . import services


@task()
def extract_publication_text(publication_id: int) -> str | None:
    """Read the text of a publication's PDF so that the public search finds words inside it."""
    return services.refresh_publication_text(publication_id)
