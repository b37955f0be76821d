from django.db import models

from .constants import MAX_SCORE, MIN_SCORE


class Vote(models.Model):
    """One visitor's rating of one article. Votes are kept (not only totals) so abuse can be audited and voided."""

    article = models.ForeignKey(
        "portal.ArticlePage", verbose_name="Bài viết", on_delete=models.CASCADE, related_name="votes"
    )
    score = models.PositiveSmallIntegerField("Điểm")
    voter_key = models.CharField("Mã người đánh giá (băm)", max_length=64)
    address_hash = models.CharField("Địa chỉ mạng (băm theo ngày)", max_length=64, db_index=True)
    user_agent = models.CharField("Trình duyệt", max_length=255, blank=True)
    created_at = models.DateTimeField("Thời điểm", auto_now_add=True, db_index=True)
    is_void = models.BooleanField("Đã hủy", default=False)
    void_reason = models.CharField("Lý do hủy", max_length=255, blank=True)

    class Meta:
        verbose_name = "phiếu đánh giá"
        verbose_name_plural = "Phiếu đánh giá"
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "voter_key"], condition=models.Q(is_void=False), name="ratings_one_vote_per_voter"
            ),
            models.CheckConstraint(
                condition=models.Q(score__gte=MIN_SCORE, score__lte=MAX_SCORE), name="ratings_score_range"
            ),
        ]

    def __str__(self):
        return f"{self.score}/5 - {self.article_id}"
