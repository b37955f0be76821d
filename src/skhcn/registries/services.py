"""Registry queries and helpers: accent-insensitive search, queueing a publication's PDF text, programme totals.

The checks of uploaded files are in ``uploads.py`` (the models' ``clean`` calls them), reading a PDF's text in
``pdftext.py`` (the background task runs it).
"""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, QuerySet, Sum, Value
from django.db.models.functions import Length

from skhcn.core.text import fold
from skhcn.procedures.services import search_words
from skhcn.search import matching

from . import constants as c
from .models import Publication
from .parsing import money_words
from .tasks import extract_publication_text

# --- search -----------------------------------------------------------------------------------------------------


def apply_search(queryset: QuerySet, query: str, extra_fields: tuple[str, ...] = ()) -> QuerySet:
    """Every folded word of ``query`` in the record's folded text (or in one of ``extra_fields``); an abbreviation
    of the synonym table also finds its long form, and the other way round (``skhcn.search.matching``)."""
    return matching.filter_words(queryset, query, ("search_text", *extra_fields))


def titles_first(queryset: QuerySet, query: str, ordering=None) -> QuerySet:
    """The records whose code or title match more words of ``query`` first, then ``ordering`` (default: the model's)."""
    model = queryset.model
    title_length = Length("code") + Value(1) + Length(model.TITLE_FIELD)
    return matching.title_first(queryset, query, title_length, ordering)


def text_snippet(text: str, query: str, width: int = 90, folded: str | None = None) -> str:
    """An excerpt of ``text`` around the first word of ``query`` found in it (folding keeps the positions of
    Vietnamese letters, so the folded index points into the original). ``folded``: ``fold(text)`` when the caller
    has it stored already (a publication's ``pdf_search``), which spares folding a long text on every request."""
    if folded is None or len(folded) != len(text):
        folded = fold(text)
    # The words typed, then the other forms of their synonym sets (a PDF found through "NC" for "nghiên cứu").
    for word in [*search_words(query), *(form for group in matching.groups(query) for form in group.forms)]:
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


def queue_text_extraction(publication) -> None:
    """After a save: reset the stored text when the file changed and read the new one in the background."""
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
