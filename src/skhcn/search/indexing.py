"""Writing the index: one entry per live article whose ancestors are all live."""

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Left, Length
from django.utils import timezone
from wagtail.models import Page

from skhcn.core.search_sources import page_index

from . import schema
from .models import ArticleSearchEntry
from .text import MAX_TEXT_CHARS, index_text, streamfield_text

BATCH_SIZE = 500
ENTRY_FIELDS = ["category_path", "published_at", "title", "body_text", "folded_title", "folded_body"]


def _tag_names(page) -> list[str]:
    return [tag.name for tag in page.tags.all()]


def build_entry(page, tag_names=None) -> ArticleSearchEntry:
    """The (unsaved) index entry of an ArticlePage."""
    if tag_names is None:
        tag_names = _tag_names(page)
    lead = (page.lead or "").strip()
    body = streamfield_text(page.body)
    body_text = "\n".join(part for part in (lead, body) if part)[:MAX_TEXT_CHARS]
    return ArticleSearchEntry(
        article_id=page.pk,
        category_path=page.path[: -page.steplen],
        published_at=page.published_at or page.first_published_at or page.last_published_at or timezone.now(),
        title=page.title,
        body_text=body_text,
        folded_title=index_text(page.title),
        folded_body=index_text(body_text, " ".join(tag_names), page.author_name or "")[: 2 * MAX_TEXT_CHARS],
    )


def _hidden_ancestor(page) -> bool:
    """True when an ancestor below the tree root is not live (the article is then unreachable)."""
    paths = [page.path[: page.steplen * depth] for depth in range(2, page.depth)]
    return bool(paths) and Page.objects.filter(path__in=paths, live=False).exists()


def index_article(page) -> bool:
    """Add or refresh the entry of ``page`` (an ArticlePage). Two or three small queries."""
    if not page.live or _hidden_ancestor(page):
        remove_article(page.pk)
        return False
    entry = build_entry(page)
    values = {field: getattr(entry, field) for field in ENTRY_FIELDS}
    values["indexed_at"] = timezone.now()
    if not ArticleSearchEntry.objects.filter(article_id=page.pk).update(**values):
        entry.save()
    return True


def remove_article(page_id: int) -> None:
    ArticleSearchEntry.objects.filter(article_id=page_id).delete()


def remove_below(page) -> int:
    """Remove the entries of every article below ``page`` (a category that went offline)."""
    deleted, _ = ArticleSearchEntry.objects.filter(category_path__startswith=page.path).delete()
    return deleted


def index_missing_below(page) -> int:
    """Index live articles below ``page`` lacking an entry (their category is back online). One query."""
    missing = (
        page_index()
        .documents()
        .filter(path__startswith=page.path, depth__gt=page.depth, search_entry__isnull=True)
        .prefetch_related("tags")
    )
    return sum(1 for article in missing.iterator(chunk_size=BATCH_SIZE) if index_article(article))


def refresh_paths_below(page) -> int:
    """After a move: entries below ``page`` take their category path from the tree again."""
    parent_path = Subquery(
        Page.objects.filter(id=OuterRef("article_id"))
        .annotate(parent=Left("path", Length("path") - page.steplen))
        .values("parent")[:1]
    )
    return ArticleSearchEntry.objects.filter(article__path__startswith=page.path).update(category_path=parent_path)


def _hidden_paths() -> list[str]:
    """Paths of offline pages that can have articles below them (offline articles themselves are left out)."""
    offline = Page.objects.filter(depth__gte=2, live=False).exclude(
        content_type=ContentType.objects.get_for_model(page_index().model)
    )
    return list(offline.values_list("path", flat=True))


def rebuild(batch_size: int = BATCH_SIZE, stdout=None) -> dict:
    """(Re)index every live article in batches; drop entries of articles that are gone or offline."""
    say = stdout.write if stdout else (lambda message: None)
    schema.create(connection)
    hidden = tuple(_hidden_paths())
    keep: set[int] = set()
    indexed = 0
    last_id = 0
    articles = page_index().documents().order_by("id").prefetch_related("tags")
    while True:
        batch = list(articles.filter(id__gt=last_id)[:batch_size])
        if not batch:
            break
        last_id = batch[-1].id
        entries = [build_entry(page) for page in batch if not (hidden and page.path.startswith(hidden))]
        now = timezone.now()
        for entry in entries:
            entry.indexed_at = now
        with transaction.atomic():
            ArticleSearchEntry.objects.bulk_create(
                entries,
                update_conflicts=True,
                unique_fields=["article"],
                update_fields=[*ENTRY_FIELDS, "indexed_at"],
            )
        keep.update(entry.article_id for entry in entries)
        indexed += len(entries)
        say(f"  {indexed} bài viết đã lập chỉ mục\n")
    stale_ids = [pk for pk in ArticleSearchEntry.objects.values_list("article_id", flat=True) if pk not in keep]
    removed = 0
    for start in range(0, len(stale_ids), batch_size):
        removed += ArticleSearchEntry.objects.filter(article_id__in=stale_ids[start : start + batch_size]).delete()[0]
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(schema.SQLITE_REBUILD)
    return {"indexed": indexed, "removed": removed}
