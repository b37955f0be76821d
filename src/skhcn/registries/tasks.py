from django_tasks import task

from . import pdftext


@task()
def extract_publication_text(publication_id: int) -> str | None:
    """Read the text of a publication's PDF so that the public search finds words inside it."""
    return pdftext.refresh_publication_text(publication_id)
