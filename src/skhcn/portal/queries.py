"""Read-side queries of the portal, each fetching only the columns its template shows.

The article page is the hot path: routing, neighbours, related articles and breadcrumb take a handful of narrow
queries, and page URLs are computed from ``url_path`` instead of Wagtail's per-page site lookup.
"""

from datetime import datetime
from typing import NamedTuple

from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef, Prefetch, Q
from wagtail.images import get_image_model
from wagtail.models import Page, Site

from skhcn.core import generation

from .constants import HOME_CATEGORY_COUNT, HOME_LATEST_COUNT, NEIGHBOUR_COUNT, RELATED_COUNT

LIST_FIELDS = ("id", "title", "url_path", "published_at", "cover_image")
THUMBNAIL_SPEC = "fill-320x200"
RARE_TAG_ROWS = 300
_root_cache: dict = {}


def _site_root_path() -> str | None:
    """The default site's root url_path, or None when several sites exist (then Wagtail's URLs are used)."""
    key = generation.current()
    if _root_cache.get("key") != key:
        roots = list(Site.objects.values_list("root_page__url_path", flat=True)[:2])
        _root_cache.update(key=key, root=roots[0] if len(roots) == 1 else None)
    return _root_cache["root"]


def page_url(page) -> str:
    root = _site_root_path()
    if root and page.url_path.startswith(root):
        return "/" + page.url_path[len(root) :]
    return page.url


def live_page_by_path(home, components: list[str]):
    """The live page at ``components`` below ``home`` when it and all its ancestors are live, in two queries."""
    prefixes = [home.url_path + "/".join(components[: i + 1]) + "/" for i in range(len(components))]
    # slug is indexed, url_path is not: the slug filter keeps this an index lookup at any number of pages.
    rows = list(
        Page.objects.filter(slug__in=set(components), url_path__in=prefixes).values(
            "id", "live", "url_path", "content_type_id"
        )
    )
    if len(rows) != len(prefixes) or not all(row["live"] for row in rows):
        return None
    target = next(row for row in rows if row["url_path"] == prefixes[-1])
    model = ContentType.objects.get_for_id(target["content_type_id"]).model_class()
    if model is None:
        return None
    return model.objects.filter(id=target["id"]).first()


def _articles():
    from .models import ArticlePage

    images = get_image_model().objects.prefetch_renditions(THUMBNAIL_SPEC)
    return ArticlePage.objects.live().only(*LIST_FIELDS).prefetch_related(Prefetch("cover_image", queryset=images))


class ArticleLink(NamedTuple):
    """What a plain list of article links needs; far cheaper to build than page instances."""

    id: int
    title: str
    url_path: str
    published_at: datetime | None


def _links(queryset) -> list[ArticleLink]:
    return [ArticleLink(*row) for row in queryset.values_list("id", "title", "url_path", "published_at")]


def _live_articles():
    from .models import ArticlePage

    return ArticlePage.objects.filter(live=True)


def _articles_with_lead():
    return _articles().only(*LIST_FIELDS, "lead")


def _below(page):
    return Q(path__startswith=page.path) & Q(depth__gt=page.depth)


def category_articles(category):
    return _articles_with_lead().filter(_below(category)).order_by("-published_at", "-id")


def child_categories(page):
    from .models import CategoryPage

    return list(
        CategoryPage.objects.live()
        .filter(path__startswith=page.path, depth=page.depth + 1)
        .only("id", "title", "url_path")
    )


def home_sections(home) -> dict:
    from .models import CategoryPage

    below_home = _below(home)
    latest = list(_articles_with_lead().filter(below_home).order_by("-published_at", "-id")[: HOME_LATEST_COUNT + 1])
    headline = _articles_with_lead().filter(below_home, is_headline=True).order_by("-published_at", "-id").first()
    if headline is None and latest:
        headline = latest[0]
    latest = [article for article in latest if headline is None or article.id != headline.id][:HOME_LATEST_COUNT]
    sections = []
    categories = (
        CategoryPage.objects.live()
        .filter(path__startswith=home.path, depth=home.depth + 1, show_on_home=True)
        .only("id", "title", "url_path", "path", "depth")
    )
    for category in categories:
        articles = list(category_articles(category)[:HOME_CATEGORY_COUNT])
        if articles:
            sections.append({"category": category, "articles": articles})
    return {"headline": headline, "latest": latest, "sections": sections}


def article_neighbours(article) -> dict:
    """Newer and older articles of the same category, by publication time (ties broken by id).

    Each list is one range scan of the (category, published_at) index; the few rows published at exactly the same
    moment are ordered here rather than with an OR that would defeat the index.
    """
    when = article.published_at
    if when is None or article.category_id is None:
        return {"newer": [], "older": []}
    siblings = _live_articles().filter(category_id=article.category_id).exclude(id=article.id)
    spare = NEIGHBOUR_COUNT + 10
    key = (when, article.id)
    newer = [
        a
        for a in _links(siblings.filter(published_at__gte=when).order_by("published_at", "id")[:spare])
        if (a.published_at, a.id) > key
    ]
    older = [
        a
        for a in _links(siblings.filter(published_at__lte=when).order_by("-published_at", "-id")[:spare])
        if (a.published_at, a.id) < key
    ]
    return {"newer": newer[:NEIGHBOUR_COUNT][::-1], "older": older[:NEIGHBOUR_COUNT]}


def related_articles(article) -> list:
    """Editor-chosen related articles first, then articles sharing a tag."""
    chosen_ids = list(article.related_links.values_list("target_id", flat=True)[:RELATED_COUNT])
    related = _links(_live_articles().filter(id__in=chosen_ids)) if chosen_ids else []
    related.sort(key=lambda a: chosen_ids.index(a.id))
    missing = RELATED_COUNT - len(related)
    if missing > 0:
        tag_ids = list(article.tagged_items.values_list("tag_id", flat=True))
        if tag_ids:
            from .models import ArticleTag

            tagged = ArticleTag.objects.filter(tag_id__in=tag_ids)
            newest_first = _live_articles().exclude(id__in=[article.id, *chosen_ids]).order_by("-published_at", "-id")
            sharing = list(tagged.values_list("content_object_id", flat=True)[: RARE_TAG_ROWS + 1])
            if len(sharing) <= RARE_TAG_ROWS:
                # Few articles share these tags: fetch exactly those (primary-key lookups) and sort them.
                by_tag = _links(newest_first.filter(id__in=sharing)[:missing])
            else:
                # Common tags: walk the newest articles and stop after `missing` matches.
                by_tag = _links(newest_first.filter(Exists(tagged.filter(content_object=OuterRef("pk"))))[:missing])
            related.extend(by_tag)
    return related


def breadcrumb(page) -> list:
    """Ancestors below the site root: "Tin tức sự kiện", "Khoa học & công nghệ"."""
    paths = [page.path[: page.steplen * depth] for depth in range(3, page.depth)]
    if not paths:
        return []
    return list(Page.objects.filter(path__in=paths).only("id", "title", "url_path", "depth").order_by("depth"))


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


def sidebar_blocks() -> list:
    from .constants import SidebarKind
    from .models import SidebarBlock

    blocks = list(
        SidebarBlock.objects.filter(is_active=True)
        .select_related("category")
        .prefetch_related("items__thumbnail", "items__link_page")
    )
    for block in blocks:
        if block.kind == SidebarKind.CATEGORY and block.category and block.category.live:
            block.articles = list(category_articles(block.category)[: block.item_count])
    return blocks
