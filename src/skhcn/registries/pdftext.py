"""The searchable text of a publication's PDF, read by a background task (``tasks.extract_publication_text``)."""

import logging
import unicodedata

from skhcn.core import generation
from skhcn.core.text import fold

from . import constants as c
from .models import Publication

logger = logging.getLogger(__name__)


def extract_pdf_text(fileobj) -> tuple[str, int]:
    """The text of a PDF (NFC, whitespace collapsed, at most MAX_TEXT_CHARS) and its page count."""
    from pypdf import PdfReader  # a large library, loaded only where a PDF is read (the task worker)

    reader = PdfReader(fileobj)
    parts, length = [], 0
    for page in reader.pages:
        text = page.extract_text() or ""
        parts.append(text)
        length += len(text)
        if length > c.MAX_TEXT_CHARS:
            break
    text = " ".join(unicodedata.normalize("NFC", " ".join(parts)).split())
    return text[: c.MAX_TEXT_CHARS], len(reader.pages)


def refresh_publication_text(publication_id: int) -> str | None:
    """Read the text of the publication's current PDF into ``pdf_text`` / ``pdf_search``; returns the status."""
    publication = Publication.objects.filter(pk=publication_id).first()
    if publication is None:
        return None
    values = {"pdf_text": "", "pdf_search": "", "page_count": None, "text_file_name": publication.file.name or ""}
    if not publication.file:
        values["text_status"] = c.TextStatus.NO_FILE
    else:
        try:
            with publication.file.open("rb") as handle:
                text, pages = extract_pdf_text(handle)
        except Exception:  # a broken or encrypted PDF must not break the record, only its searchable text
            logger.warning("Cannot read the text of publication %s (%s)", publication_id, publication.file.name)
            values["text_status"] = c.TextStatus.FAILED
        else:
            values.update(pdf_text=text, pdf_search=fold(text), page_count=pages)
            values["text_status"] = c.TextStatus.DONE if text.strip() else c.TextStatus.NO_TEXT
    # Only if the file has not changed meanwhile (another save queued its own extraction).
    Publication.objects.filter(pk=publication_id, file=publication.file.name or "").update(**values)
    generation.bump()
    return values["text_status"]
