"""Read-side queries of the portal that need no portal model, each fetching only the columns its template shows.

The article page is the hot path: neighbours, related articles and breadcrumb take a handful of narrow queries (raw
SQL on the portal's tables), and page URLs are computed from ``url_path`` (``skhcn.core.pages.page_url``). The
listings that query the page models themselves (routing, category lists, the home page, the sidebar) are in
``models.py``, next to the models.
"""

from datetime import UTC, datetime
from typing import NamedTuple
from zoneinfo import ZoneInfo

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from wagtail.models import Page, PageViewRestriction

from skhcn.core import generation

from .constants import NEIGHBOUR_COUNT, RELATED_COUNT

RARE_TAG_ROWS = 300
VN = ZoneInfo("Asia/Ho_Chi_Minh")
_root_cache: dict = {}


def any_view_restrictions() -> bool:
    """Whether any page has a view restriction (most portals have none), re-checked when content changes."""
    key = generation.current()
    if _root_cache.get("restrictions_key") != key:
        _root_cache.update(restrictions_key=key, restrictions=PageViewRestriction.objects.exists())
    return _root_cache["restrictions"]


class ArticleLink(NamedTuple):
    """What a plain list of article links needs; far cheaper to build than page instances."""

    id: int
    title: str
    url_path: str
    published_at: datetime | None

    @property
    def day(self) -> str:
        """dd/mm/yyyy in Vietnam time, formatted here: Django's date filter costs ~0.1 ms a call."""
        return self.published_at.astimezone(VN).strftime("%d/%m/%Y") if self.published_at else ""


def _datetime(value):
    """Raw SQL gives SQLite datetimes back as text (stored in UTC) and PostgreSQL's as aware datetimes."""
    if isinstance(value, str):
        value = parse_datetime(value)
    if value is not None and timezone.is_naive(value):
        value = timezone.make_aware(value, UTC)
    return value


# One statement for both lists, each a range scan of the (category, published_at, id) index that stops after a
# few rows. Raw SQL because the ORM cannot put LIMITed queries in a UNION on SQLite.
NEIGHBOURS_SQL = """
SELECT * FROM (
  SELECT 1, p.id, p.title, p.url_path, a.published_at FROM portal_articlepage a
  JOIN wagtailcore_page p ON p.id = a.page_ptr_id
  WHERE a.category_id = %s AND p.live = %s AND a.page_ptr_id <> %s AND a.published_at >= %s
  ORDER BY a.published_at, a.page_ptr_id LIMIT %s
) newer
UNION ALL
SELECT * FROM (
  SELECT 0, p.id, p.title, p.url_path, a.published_at FROM portal_articlepage a
  JOIN wagtailcore_page p ON p.id = a.page_ptr_id
  WHERE a.category_id = %s AND p.live = %s AND a.page_ptr_id <> %s AND a.published_at <= %s
  ORDER BY a.published_at DESC, a.page_ptr_id DESC LIMIT %s
) older
"""


def article_neighbours(article) -> dict:
    """Newer and older articles of the same category, by publication time (ties broken by id)."""
    when = article.published_at
    if when is None or article.category_id is None:
        return {"newer": [], "older": []}
    spare = NEIGHBOUR_COUNT + 10  # rows published at exactly the same moment are sorted out below
    db_when = connection.ops.adapt_datetimefield_value(when)
    one_side = [article.category_id, True, article.id, db_when, spare]
    with connection.cursor() as cursor:
        cursor.execute(NEIGHBOURS_SQL, one_side + one_side)
        rows = cursor.fetchall()
    key = (when, article.id)
    newer, older = [], []
    for is_newer, *link in rows:
        link = ArticleLink(link[0], link[1], link[2], _datetime(link[3]))
        if is_newer and (link.published_at, link.id) > key:
            newer.append(link)
        elif not is_newer and (link.published_at, link.id) < key:
            older.append(link)
    newer.sort(key=lambda a: (a.published_at, a.id))
    older.sort(key=lambda a: (a.published_at, a.id), reverse=True)
    return {"newer": newer[:NEIGHBOUR_COUNT][::-1], "older": older[:NEIGHBOUR_COUNT]}


LINKS_AND_TAGS_SQL = """
SELECT 1, target_id, '', sort_order FROM portal_articlerelatedlink WHERE article_id = %s
UNION ALL
SELECT 0, t.id, t.name, 0 FROM portal_articletag at JOIN taggit_tag t ON t.id = at.tag_id
WHERE at.content_object_id = %s
"""


def article_links_and_tags(article) -> tuple[list[int], list[tuple[int, str]]]:
    """The editor's related-article ids (in order) and the article's tags, in one query."""
    with connection.cursor() as cursor:
        cursor.execute(LINKS_AND_TAGS_SQL, [article.id, article.id])
        rows = cursor.fetchall()
    chosen = [row[1] for row in sorted((r for r in rows if r[0]), key=lambda r: r[3])]
    tags = sorted(((row[1], row[2]) for row in rows if not row[0]), key=lambda tag: tag[1])
    return chosen, tags


# Raw SQL for the related lists: building these ORM queries cost more than running them (a third of an uncached
# article page).
LINK_COLUMNS = "p.id, p.title, p.url_path, a.published_at"
ARTICLE_JOIN = "portal_articlepage a JOIN wagtailcore_page p ON p.id = a.page_ptr_id"


def _placeholders(values) -> str:
    return ", ".join(["%s"] * len(values))


def _link_rows(sql: str, params: list) -> list[ArticleLink]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [ArticleLink(row[0], row[1], row[2], _datetime(row[3])) for row in cursor.fetchall()]


def related_articles(article, chosen_ids: list[int], tag_ids: list[int]) -> list:
    """Editor-chosen related articles first, then the newest articles sharing a tag."""
    chosen_ids = chosen_ids[:RELATED_COUNT]
    related = []
    if chosen_ids:
        related = _link_rows(
            f"SELECT {LINK_COLUMNS} FROM {ARTICLE_JOIN} WHERE p.live = %s AND p.id IN ({_placeholders(chosen_ids)})",  # noqa: S608
            [True, *chosen_ids],
        )
        related.sort(key=lambda a: chosen_ids.index(a.id))
    missing = RELATED_COUNT - len(related)
    if missing > 0 and tag_ids:
        excluded = [article.id, *chosen_ids]
        tags = _placeholders(tag_ids)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT DISTINCT content_object_id FROM portal_articletag WHERE tag_id IN ({tags})"  # noqa: S608
                f" AND content_object_id NOT IN ({_placeholders(excluded)}) LIMIT %s",
                [*tag_ids, *excluded, RARE_TAG_ROWS + 1],
            )
            sharing = [row[0] for row in cursor.fetchall()]
        if len(sharing) <= RARE_TAG_ROWS:
            # Few articles share these tags: fetch exactly those (primary-key lookups) and sort them.
            if sharing:
                related.extend(
                    _link_rows(
                        f"SELECT {LINK_COLUMNS} FROM {ARTICLE_JOIN} WHERE p.live = %s"  # noqa: S608
                        f" AND p.id IN ({_placeholders(sharing)})"
                        " ORDER BY a.published_at DESC, a.page_ptr_id DESC LIMIT %s",
                        [True, *sharing, missing],
                    )
                )
        else:
            # Common tags: walk the newest articles and stop after `missing` matches.
            related.extend(
                _link_rows(
                    f"SELECT {LINK_COLUMNS} FROM {ARTICLE_JOIN} WHERE p.live = %s"  # noqa: S608
                    f" AND p.id NOT IN ({_placeholders(excluded)}) AND EXISTS (SELECT 1 FROM portal_articletag t"
                    f" WHERE t.content_object_id = a.page_ptr_id AND t.tag_id IN ({tags}))"
                    " ORDER BY a.published_at DESC, a.page_ptr_id DESC LIMIT %s",
                    [True, *excluded, *tag_ids, missing],
                )
            )
    return related


class Crumb(NamedTuple):
    id: int
    title: str
    url_path: str
    content_type_id: int


def _skeleton() -> tuple[dict[str, Crumb], dict[str, Crumb]]:
    """Every live page that is not an article (the site's skeleton: a few dozen rows), by path and by url_path.

    Re-read when the content generation changes (any publish, unpublish, move or delete).
    """
    key = generation.current()
    if _root_cache.get("skeleton_key") != key:
        article_type = ContentType.objects.get_by_natural_key("portal", "articlepage")
        rows = (
            Page.objects.filter(live=True)
            .exclude(content_type=article_type)
            .values_list("path", "id", "title", "url_path", "content_type_id")
        )
        by_path = {path: Crumb(*rest) for path, *rest in rows}
        by_url = {crumb.url_path: crumb for crumb in by_path.values()}
        _root_cache.update(skeleton_key=key, skeleton=(by_path, by_url))
    return _root_cache["skeleton"]


def _live_pages_by_path() -> dict[str, Crumb]:
    return _skeleton()[0]


def skeleton_by_url_path() -> dict[str, Crumb]:
    return _skeleton()[1]


def breadcrumb(page) -> list[Crumb]:
    """Ancestors below the site root: "Tin tức sự kiện", "Khoa học & công nghệ" (no query once warm)."""
    skeleton = _live_pages_by_path()
    paths = [page.path[: page.steplen * depth] for depth in range(3, page.depth)]
    return [skeleton[path] for path in paths if path in skeleton]


def menu(home) -> list[dict]:
    """Main menu: first- and second-level categories that are live and shown in menus."""
    pages = list(
        Page.objects.live()
        .in_menu()
        .filter(path__startswith=home.path, depth__in=(home.depth + 1, home.depth + 2))
        .only("id", "title", "url_path", "path", "depth")
        .order_by("path")
    )
    top = [{"page": p, "children": []} for p in pages if p.depth == home.depth + 1]
    by_path = {item["page"].path: item for item in top}
    for p in pages:
        if p.depth == home.depth + 2 and (parent := by_path.get(p.path[: -p.steplen])):
            parent["children"].append(p)
    return top
