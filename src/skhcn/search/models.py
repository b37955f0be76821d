from django.core.exceptions import ValidationError
from django.db import models

from skhcn.core.text import fold

from .synonyms import EXPANSION_MAX_CHARS, TERM_MAX_CHARS, synonym_errors


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


class Synonym(models.Model):
    """One pair of the search's synonym table: an abbreviation (or a word) and what it stands for ("GCN" ↔
    "Giấy chứng nhận"). Searching for either finds texts written with the other; pairs sharing a form are one set
    ("KH&CN", "KHCN" and "Khoa học và Công nghệ"). Staff edit the table in the admin (``wagtail_hooks``); the
    searches read it through ``matching.table()`` and expand queries with ``synonyms.Table``."""

    term = models.CharField(
        "từ viết tắt",
        max_length=TERM_MAX_CHARS,
        help_text="Ví dụ: GCN, KH&CN. Có ít nhất 2 chữ cái hoặc chữ số.",
    )
    expansion = models.CharField(
        "cụm từ đầy đủ hoặc từ đồng nghĩa",
        max_length=EXPANSION_MAX_CHARS,
        help_text="Ví dụ: Giấy chứng nhận. Tìm một trong hai sẽ ra cả văn bản viết theo cách kia.",
    )
    # Folded forms ("kh&cn", "khoa hoc va cong nghe"): what a search compares; also what makes two pairs the same.
    folded_term = models.TextField(editable=False, default="")
    folded_expansion = models.TextField(editable=False, default="")
    updated_at = models.DateTimeField("cập nhật", auto_now=True)

    class Meta:
        verbose_name = "từ viết tắt hoặc từ đồng nghĩa"
        verbose_name_plural = "Từ viết tắt và từ đồng nghĩa"
        ordering = ["folded_term", "folded_expansion"]
        constraints = [
            models.UniqueConstraint(
                fields=["folded_term", "folded_expansion"],
                name="site_search_synonym_unique_pair",
                violation_error_message="Cặp từ này đã có trong bảng (không phân biệt dấu, chữ hoa, chữ thường).",
            )
        ]

    def __str__(self):
        return f"{self.term} – {self.expansion}"

    def save(self, *args, **kwargs):
        self.folded_term = fold(self.term)
        self.folded_expansion = fold(self.expansion)
        super().save(*args, **kwargs)

    def clean_fields(self, exclude=None):
        """The table's own checks of both fields, with clear Vietnamese messages (instead of the generic ones)."""
        exclude = set(exclude or ())
        self.term, self.expansion = (self.term or "").strip(), (self.expansion or "").strip()
        errors = {name: [message] for name, message in synonym_errors(self.term, self.expansion).items()}
        errors = {name: messages for name, messages in errors.items() if name not in exclude}
        try:
            super().clean_fields(exclude=exclude | {"term", "expansion"})
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def clean(self):
        super().clean()
        if synonym_errors(self.term, self.expansion):
            return  # reported by clean_fields (or by the form, for a field it rejected)
        self.folded_term = fold(self.term)
        self.folded_expansion = fold(self.expansion)
        same = models.Q(folded_term=self.folded_term, folded_expansion=self.folded_expansion) | models.Q(
            folded_term=self.folded_expansion, folded_expansion=self.folded_term
        )
        if Synonym.objects.filter(same).exclude(pk=self.pk).exists():
            raise ValidationError(
                "Cặp từ này đã có trong bảng (không phân biệt dấu, chữ hoa, chữ thường); hãy sửa cặp đã có."
            )
