"""Reading the index: ``search()`` is what the view (and bench/bench_search.py) calls.

Four small queries per search: the number of matches (no ranking: cheap), the ids of one page (ranked, ORDER BY
... LIMIT keeps only the top rows), the text of those 15 entries, and their categories' titles. Both databases get
the same tokens, so they find the same articles:

- SQLite: FTS5 table over the folded text, ``MATCH '"dan" "van" "kheo"*'``, ranked by ``bm25`` (title x10).
- PostgreSQL: generated tsvector ('simple') with a GIN index,
  ``@@ to_tsquery('simple', '''dan'' & ''kheo'':*')``, ranked by ``ts_rank`` (title weight A, the rest B).
On both, the articles whose title alone matches the whole query come first. The query is expanded with the synonym
table (``matching.table()``): "gcn" also finds "giấy chứng nhận" and the other way round.
Ties (and the listing without words) are ordered by publication time, newest first.
"""

import math
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from django.db import connection
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.safestring import SafeString
from wagtail.models import Page

from skhcn.core.pages import page_url

from . import matching, schema
from .text import ParsedQuery, highlight, parse_query, snippet

PER_PAGE = 15
TABLE = schema.TABLE
FTS = schema.FTS


@dataclass
class Hit:
    article_id: int
    title: str
    title_html: SafeString
    url: str
    published_at: datetime
    category_title: str
    snippet: SafeString


@dataclass
class ResultPage:
    hits: list[Hit]
    total: int
    number: int
    per_page: int
    query: ParsedQuery
    requested_number: int = 1
    num_pages: int = field(init=False)

    def __post_init__(self):
        self.num_pages = max(1, math.ceil(self.total / self.per_page))

    def has_previous(self) -> bool:
        return self.number > 1

    def has_next(self) -> bool:
        return self.number < self.num_pages

    def previous_page_number(self) -> int:
        return self.number - 1

    def next_page_number(self) -> int:
        return self.number + 1

    @property
    def start_index(self) -> int:
        return (self.number - 1) * self.per_page + 1 if self.hits else 0

    @property
    def end_index(self) -> int:
        return (self.number - 1) * self.per_page + len(self.hits)


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


NARROW_INDEX = "site_search_entry_narrow"  # (id, category_path, published_at): joins without reading the text


def _sql(parsed: ParsedQuery, category_path: str | None, date_from: date | None, date_to: date | None):
    """(FROM ... WHERE ..., its parameters, score expression, score order, the score's parameters)."""
    params: list = []
    score_params: list = []  # parameters of the score expression (it comes before the FROM clause)
    where: list[str] = []
    if not parsed:
        source, score, order = f"{TABLE} e", "0", "ASC"
    elif connection.vendor == "postgresql":
        source = f"{TABLE} e, to_tsquery('simple'::regconfig, %s) q"
        params.append(parsed.tsquery())
        where.append("e.search_vector @@ q")
        # Title matches first (the title's lexemes, weight A, alone match the whole query), then ts_rank.
        score = "(e.search_vector @@ to_tsquery('simple'::regconfig, %s))::int * 1000 + ts_rank(e.search_vector, q)"
        score_params.append(parsed.tsquery(weight="A"))
        order = "DESC"
    else:
        # The entry rows are wide (they hold the text): the join reads the narrow covering index instead.
        source = f"{FTS} JOIN {TABLE} e INDEXED BY {NARROW_INDEX} ON e.id = {FTS}.rowid"
        where.append(f"{FTS} MATCH %s")
        params.append(parsed.fts5())
        # Title matches first (bm25 is negative: lower is better), then bm25 with the title weighing 10x.
        score = f"bm25({FTS}, 10.0, 1.0) - 1000.0 * (e.id IN (SELECT rowid FROM {FTS} WHERE {FTS} MATCH %s))"  # noqa: S608
        order = "ASC"
        score_params.append(f"folded_title : ({parsed.fts5()})")
    if category_path:
        where.append("e.category_path LIKE %s")
        params.append(category_path + "%")  # tree paths are [0-9A-Z] only: no LIKE wildcards inside
    adapt = connection.ops.adapt_datetimefield_value
    if date_from:
        where.append("e.published_at >= %s")
        params.append(adapt(_day_start(date_from)))
    if date_to:
        where.append("e.published_at < %s")
        params.append(adapt(_day_start(date_to + timedelta(days=1))))
    clause = f"FROM {source}" + (f" WHERE {' AND '.join(where)}" if where else "")
    return clause, params, score, order, score_params


def _count(parsed, category_path, date_from, date_to) -> int:
    """Number of matches: no ranking needed, so this is the cheap part even for thousands of matches."""
    clause, params, _, _, _ = _sql(parsed, category_path, date_from, date_to)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) {clause}", params)  # noqa: S608 - fixed SQL fragments only
        return cursor.fetchone()[0]


def _ranked_ids(parsed, category_path, date_from, date_to, limit: int, offset: int) -> tuple[list[int], int]:
    """Entry ids of one page, best first (ORDER BY ... LIMIT: the database keeps only the top rows), and the number
    of all matches, counted in the same pass (``COUNT(*) OVER ()``: one full-text match instead of two); 0 when the
    page is past the end."""
    clause, params, score, order, score_params = _sql(parsed, category_path, date_from, date_to)
    ordering = "published_at DESC, id DESC" if not parsed else f"score {order}, published_at DESC, id DESC"
    # The window sits outside: SQLite's bm25() may not share a SELECT with a window function.
    sql = (
        f"SELECT id, score, COUNT(*) OVER () FROM (SELECT e.id AS id, e.published_at AS published_at, "  # noqa: S608
        f"{score} AS score {clause}) AS ranked ORDER BY {ordering} LIMIT %s OFFSET %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*score_params, *params, limit, offset])
        rows = cursor.fetchall()
    return [row[0] for row in rows], (rows[0][2] if rows else 0)


def _details(ids: list[int]) -> list[tuple]:
    """What a result shows, for the entries of one page, in the order of ``ids``."""
    if not ids:
        return []
    placeholders = ", ".join(["%s"] * len(ids))
    sql = f"""
        SELECT e.id, e.article_id, p.title, p.url_path, e.published_at, e.category_path, e.body_text
        FROM {TABLE} e JOIN wagtailcore_page p ON p.id = e.article_id
        WHERE e.id IN ({placeholders})
    """  # noqa: S608 - placeholders only
    with connection.cursor() as cursor:
        cursor.execute(sql, ids)
        rows = {row[0]: row[1:] for row in cursor.fetchall()}
    return [rows[pk] for pk in ids if pk in rows]


class _PageRef:
    """Just enough of a page for ``page_url`` (a full Page instance costs ~0.2 ms to build)."""

    __slots__ = ("id", "url_path")

    def __init__(self, page_id: int, url_path: str):
        self.id = page_id
        self.url_path = url_path

    @property
    def url(self):  # only when the site root is not a prefix (several sites): Wagtail's own routing
        return Page.objects.get(id=self.id).url


def _as_datetime(value) -> datetime:
    if isinstance(value, str):  # SQLite: naive UTC (text without declared types)
        value = parse_datetime(value)
    if timezone.is_naive(value):
        value = timezone.make_aware(value, UTC)
    return value


def search(
    text: str = "",
    *,
    category_path: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    page: int = 1,
    per_page: int = PER_PAGE,
) -> ResultPage:
    """Page ``page`` of the live articles matching every word of ``text`` (the last one as a prefix).

    Without words, the articles of the filters, newest first. A page past the end gives the last page
    (``requested_number`` keeps what was asked). Never raises on user text: it is reduced to word tokens
    first.
    """
    parsed = parse_query(text, matching.table())
    number = requested = max(1, page)
    ids, total = _ranked_ids(parsed, category_path, date_from, date_to, per_page, (requested - 1) * per_page)
    if not ids and requested > 1:  # past the end (or nothing at all): count, then the last page
        total = _count(parsed, category_path, date_from, date_to)
        number = min(requested, max(1, math.ceil(total / per_page)))
        if total:
            ids, _ = _ranked_ids(parsed, category_path, date_from, date_to, per_page, (number - 1) * per_page)
    rows = _details(ids)
    titles = {}
    if rows:
        titles = dict(Page.objects.filter(path__in={row[4] for row in rows}).values_list("path", "title"))
    hits = []
    for article_id, title, url_path, published_at, cat_path, body_text in rows:
        hits.append(
            Hit(
                article_id=article_id,
                title=title,
                title_html=highlight(title, parsed),
                url=page_url(_PageRef(article_id, url_path)),
                published_at=_as_datetime(published_at),
                category_title=titles.get(cat_path, ""),
                snippet=snippet(body_text, parsed),
            )
        )
    return ResultPage(
        hits=hits, total=total, number=number, per_page=per_page, query=parsed, requested_number=requested
    )
