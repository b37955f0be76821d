"""The synonym table as the searches use it, and the word search of the catalogue-like lists.

The procedures' catalogue and the S&T registries store a folded ``search_text`` per record (title first) and match
each word of the query as a substring of it (so "chung" also finds "chứng nhận" and a code's digits find the code).
``filter_words()`` adds the synonym table: a group of words that is a form of a synonym set also matches when one of
the set's other forms is in the text (as whole words: "GCN" does not match inside "CGCN"). ``title_first()`` orders
the records whose title matches more groups of the query first.

The table is read once per process and read again when the content generation changes (``skhcn.core.generation``:
a save in the admin bumps it, so every app server sees the change within about a second).
"""

import operator
import re
from functools import reduce

from django.db.models import Case, Q, QuerySet, Value, When
from django.db.models.functions import Substr

from skhcn.core import generation
from skhcn.core.localcache import TTLCache

from .models import Synonym
from .synonyms import Group, Table

MAX_SEARCH_WORDS = 12
TABLE_TTL_SECONDS = 600.0
_cache = TTLCache(max_entries=4)
TITLE_ANNOTATION = "search_title_text"
RANK_ANNOTATION = "search_title_rank"


def table() -> Table:
    """The current synonym table (one small query when the content generation has changed)."""
    current = generation.current()
    cached = _cache.get("table")
    if cached is not None and cached[0] == current:
        return cached[1]
    loaded = Table(Synonym.objects.values_list("term", "expansion"))
    _cache.set("table", (current, loaded), TABLE_TTL_SECONDS)
    return loaded


def forget() -> None:
    """Drop this process's copy (after an edit; other processes follow the content generation)."""
    _cache.clear()


def groups(query: str) -> tuple[Group, ...]:
    """The groups of ``query`` with the current table, each once ("gcn gcn": one group)."""
    if not query or query.isspace():  # the lists without words do not read the table
        return ()
    return tuple(dict.fromkeys(table().expand(query, MAX_SEARCH_WORDS)))


def _form_pattern(form: str) -> str:
    """The folded form as whole words (the same regular expression for SQLite's REGEXP and PostgreSQL's ``~``)."""
    return rf"(^|[^a-z0-9]){re.escape(form)}([^a-z0-9]|$)"


def group_condition(group: Group, fields: tuple[str, ...]) -> Q:
    """The record matches the group: its own words each in one of ``fields``, or one of its other forms."""
    own = reduce(
        operator.and_,
        (reduce(operator.or_, (Q(**{f"{name}__contains": word}) for name in fields)) for word in group.words),
    )
    others = [Q(**{f"{name}__regex": _form_pattern(form)}) for form in group.forms for name in fields]
    return reduce(operator.or_, others, own)


def filter_words(queryset: QuerySet, query: str, fields: tuple[str, ...] = ("search_text",)) -> QuerySet:
    """Records matching every group of ``query`` in one of ``fields`` (folded text columns)."""
    for group in groups(query):
        queryset = queryset.filter(group_condition(group, fields))
    return queryset


def title_first(queryset: QuerySet, query: str, title_length, ordering=None, field: str = "search_text") -> QuerySet:
    """``queryset`` with the records whose title matches more groups of ``query`` first, then ``ordering`` (default:
    the model's). ``title_length``: an expression giving how many leading characters of ``field`` are the title."""
    ordering = list(ordering if ordering is not None else queryset.model._meta.ordering)
    found = groups(query)
    if not found:
        return queryset.order_by(*ordering)
    queryset = queryset.annotate(**{TITLE_ANNOTATION: Substr(field, 1, title_length)})
    rank = reduce(
        operator.add,
        (Case(When(group_condition(group, (TITLE_ANNOTATION,)), then=Value(1)), default=Value(0)) for group in found),
    )
    return queryset.annotate(**{RANK_ANNOTATION: rank}).order_by(f"-{RANK_ANNOTATION}", *ordering)
