from django.db import models


class ArticleSearchEntry(models.Model):
    """One row per live article: what the full-text index covers and what a result shows.

    The full-text part lives next to this table and is kept in step by the database itself:
    SQLite: the FTS5 table ``site_search_fts`` (external content = this table) and three triggers;
    PostgreSQL: the generated column ``search_vector`` with a GIN index. Both are created by migration 0001
    with raw SQL, so this model does not declare them. On SQLite, a later migration that makes Django rebuild
    this table drops the triggers: run ``manage.py rebuild_search_index`` after it (it recreates them).
    """

    article = models.OneToOneField(
        "portal.ArticlePage", on_delete=models.CASCADE, related_name="search_entry", verbose_name="Bài viết"
    )
    # Tree path of the article's category (the parent page): the category filter is a prefix match on it.
    category_path = models.CharField(max_length=255, db_index=True)
    published_at = models.DateTimeField(db_index=True)
    title = models.CharField(max_length=255)
    # Original (accented) lead + body text, for the snippets.
    body_text = models.TextField(blank=True)
    # Folded tokens ("day manh phong trao"): title; then lead, body, tags and author.
    folded_title = models.TextField(blank=True)
    folded_body = models.TextField(blank=True)
    indexed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "Mục chỉ mục tìm kiếm"
        verbose_name_plural = "Chỉ mục tìm kiếm"
        indexes = [
            # Covering index for the search's join and filters: the rows themselves are wide (they hold the text).
            models.Index(fields=["id", "category_path", "published_at"], name="site_search_entry_narrow"),
        ]

    def __str__(self):
        return self.title
