"""Registry queries and helpers: uploaded-file checks, accent-insensitive search, PDF text, programme totals."""

import io
import logging
import unicodedata
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import Count, Q, QuerySet, Sum

from skhcn.core import generation
from skhcn.core.text import fold
from skhcn.core.uploads import FILE_TYPES, UploadRejected, check_upload, format_size
from skhcn.procedures.services import search_words

from . import constants as c

logger = logging.getLogger(__name__)


# --- uploaded files ---------------------------------------------------------------------------------------------


def _new_upload(fieldfile):
    """The uploaded file behind a FileField value that is not stored yet, else None (nothing to check)."""
    if not fieldfile or getattr(fieldfile, "_committed", True):
        return None
    return fieldfile.file


def check_file(fieldfile, keys: tuple[str, ...], max_bytes: int, field_name: str) -> None:
    """Sniff a new upload with ``skhcn.core.uploads`` (content, extension, size); ValidationError on the field."""
    uploaded = _new_upload(fieldfile)
    if uploaded is None:
        return
    try:
        checked = check_upload(uploaded, [FILE_TYPES[key] for key in keys], max_bytes)
    except UploadRejected as error:
        raise ValidationError({field_name: error.message}) from None
    if checked.content is not None:
        # settings.UPLOAD_PDF_ACTIVE_CONTENT = "strip": the cleaned copy is what the field saves.
        logger.warning("Stored a cleaned copy of %r: %s removed", checked.original_name, checked.removed_content)
        fieldfile.file = File(checked.content, name=uploaded.name)


VIDEO_EXTENSIONS = {"mp4": "MP4", "m4v": "MP4", "webm": "WebM"}


def check_video(fieldfile, field_name: str) -> None:
    uploaded = _new_upload(fieldfile)
    if uploaded is None:
        return
    name = getattr(uploaded, "name", "") or ""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    uploaded.seek(0)
    head = uploaded.read(16)
    uploaded.seek(0, io.SEEK_END)
    size = uploaded.tell()
    uploaded.seek(0)
    if size == 0:
        raise ValidationError({field_name: f"Tệp “{name}” rỗng (0 byte)."})
    if size > c.MAX_VIDEO_BYTES:
        raise ValidationError({field_name: f"Tệp video vượt quá {format_size(c.MAX_VIDEO_BYTES)}."})
    is_mp4 = head[4:8] == b"ftyp"
    is_webm = head.startswith(b"\x1a\x45\xdf\xa3")
    if extension not in VIDEO_EXTENSIONS or not (is_mp4 or is_webm):
        raise ValidationError({field_name: f"Tệp “{name}” không phải video MP4 hoặc WebM."})
    if (VIDEO_EXTENSIONS[extension] == "MP4") != is_mp4:
        raise ValidationError({field_name: f"Tệp “{name}” có đuôi .{extension} nhưng nội dung là video khác loại."})


# --- search -----------------------------------------------------------------------------------------------------


def apply_search(queryset: QuerySet, query: str, extra_fields: tuple[str, ...] = ()) -> QuerySet:
    """Every folded word of ``query`` in the record's folded text (or in one of ``extra_fields``)."""
    for word in search_words(query):
        condition = Q(search_text__contains=word)
        for name in extra_fields:
            condition |= Q(**{f"{name}__contains": word})
        queryset = queryset.filter(condition)
    return queryset


def text_snippet(text: str, query: str, width: int = 90, folded: str | None = None) -> str:
    """An excerpt of ``text`` around the first word of ``query`` found in it (folding keeps the positions of
    Vietnamese letters, so the folded index points into the original). ``folded``: ``fold(text)`` when the caller
    has it stored already (a publication's ``pdf_search``), which spares folding a long text on every request."""
    if folded is None or len(folded) != len(text):
        folded = fold(text)
    for word in search_words(query):
        haystack = folded
        position = haystack.find(word)
        if position < 0:
            continue
        start = max(0, position - width)
        end = min(len(text), position + len(word) + width)
        excerpt = text[start:end]
        if word not in fold(excerpt):
            return ""
        return ("…" if start else "") + excerpt.strip() + ("…" if end < len(text) else "")
    return ""


# --- PDF text ---------------------------------------------------------------------------------------------------


def extract_pdf_text(fileobj) -> tuple[str, int]:
    """The text of a PDF (NFC, whitespace collapsed, at most MAX_TEXT_CHARS) and its page count."""
    from pypdf import PdfReader

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
    from .models import Publication

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


def queue_text_extraction(publication) -> None:
    """After a save: reset the stored text when the file changed and read the new one in the background."""
    from .models import Publication
    from .tasks import extract_publication_text

    current = publication.file.name or ""
    if publication.text_file_name == current and publication.text_status != c.TextStatus.PENDING:
        return
    status = c.TextStatus.PENDING if current else c.TextStatus.NO_FILE
    Publication.objects.filter(pk=publication.pk).update(
        text_status=status, pdf_text="", pdf_search="", page_count=None, text_file_name=""
    )
    publication.text_status = status
    if current:
        transaction.on_commit(lambda: extract_publication_text.enqueue(publication.pk))


# --- support programmes -----------------------------------------------------------------------------------------


@dataclass
class Total:
    programme: str
    programme_label: str
    year: int | None
    units: int
    amount: int
    records: int

    @property
    def summary(self) -> str:
        """ "05 đơn vị, 370 triệu đồng" (the way the department's reports write it)."""
        from .parsing import money_words

        return f"{self.units:02d} đơn vị, {money_words(self.amount)}"


def programme_totals(queryset: QuerySet) -> list[Total]:
    """Beneficiaries and amounts per programme and year (year unknown last), then per programme for all years."""
    labels = dict(c.Programme.choices)
    rows = (
        queryset.order_by()
        .values("programme", "year")
        .annotate(units=Sum("beneficiary_count"), amount=Sum("amount"), records=Count("pk"))
    )
    order = {value: index for index, value in enumerate(labels)}
    totals = [
        Total(
            row["programme"],
            labels.get(row["programme"], row["programme"]),
            row["year"],
            row["units"] or 0,
            row["amount"] or 0,
            row["records"],
        )
        for row in rows
    ]
    totals.sort(key=lambda t: (-(t.year or 0), order.get(t.programme, 99)))
    return totals


def programme_overall(queryset: QuerySet) -> list[Total]:
    labels = dict(c.Programme.choices)
    rows = (
        queryset.order_by()
        .values("programme")
        .annotate(units=Sum("beneficiary_count"), amount=Sum("amount"), records=Count("pk"))
    )
    by_programme = {row["programme"]: row for row in rows}
    return [
        Total(
            value,
            label,
            None,
            by_programme[value]["units"] or 0,
            by_programme[value]["amount"] or 0,
            by_programme[value]["records"],
        )
        for value, label in labels.items()
        if value in by_programme
    ]
