"""Casting, counting and voiding votes."""

import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from skhcn.core.localcache import TTLCache
from skhcn.core.net import daily_hash, stable_hash
from skhcn.portal.models import ArticlePage

from .constants import MAX_SCORE, MIN_SCORE, TOTALS_CACHE_SECONDS, Messages
from .models import Vote


class VoteRefused(Exception):
    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.message = message
        self.status = status


@dataclass(frozen=True)
class Totals:
    points: int
    votes: int

    @property
    def line(self) -> str:
        return f"Tổng số điểm của bài viết là: {self.points} trong {self.votes} đánh giá"


def parse_score(raw) -> int:
    try:
        score = int(str(raw).strip())
    except (TypeError, ValueError) as exc:
        raise VoteRefused(Messages.BAD_SCORE) from exc
    if not MIN_SCORE <= score <= MAX_SCORE or str(raw).strip() != str(score):
        raise VoteRefused(Messages.BAD_SCORE)
    return score


def new_voter_token() -> str:
    return secrets.token_urlsafe(24)


def cast_vote(*, article_id: int, raw_score, voter_token: str, address: str, user_agent: str) -> Totals:
    """Record one vote; refuse a bad score, a second vote of the same visitor, or a flood from one address."""
    score = parse_score(raw_score)
    if not ArticlePage.objects.live().filter(id=article_id).exists():
        raise VoteRefused(Messages.NOT_FOUND, status=404)
    voter_key = stable_hash(voter_token, "rating-voter")
    address_hash = daily_hash(address, "rating-address")
    since = timezone.now() - timedelta(days=1)
    try:
        with transaction.atomic():
            if Vote.objects.filter(article_id=article_id, voter_key=voter_key, is_void=False).exists():
                raise VoteRefused(Messages.ALREADY_VOTED, status=409)
            from_address = Vote.objects.filter(
                article_id=article_id, address_hash=address_hash, created_at__gte=since
            ).count()
            if from_address >= settings.RATING_MAX_VOTES_PER_ADDRESS_PER_DAY:
                raise VoteRefused(Messages.TOO_MANY, status=429)
            Vote.objects.create(
                article_id=article_id,
                score=score,
                voter_key=voter_key,
                address_hash=address_hash,
                user_agent=user_agent[:255],
            )
    except IntegrityError as exc:  # two simultaneous votes of the same visitor
        raise VoteRefused(Messages.ALREADY_VOTED, status=409) from exc
    forget_totals(article_id)
    return totals(article_id)


def void_votes(vote_ids, reason: str) -> int:
    with transaction.atomic():
        votes = Vote.objects.select_for_update().filter(id__in=list(vote_ids), is_void=False)
        article_ids = set(votes.values_list("article_id", flat=True))
        count = votes.update(is_void=True, void_reason=reason[:255])
    for article_id in article_ids:
        forget_totals(article_id)
    return count


_totals = TTLCache()
TOTALS_SQL = "SELECT SUM(score), COUNT(*) FROM ratings_vote WHERE article_id = %s AND is_void = %s"


def forget_totals(article_id: int) -> None:
    _totals.delete(article_id)


def totals(article_id: int) -> Totals:
    """Sum and number of valid votes; each process re-reads them at most every couple of seconds."""
    cached = _totals.get(article_id)
    if cached is None:
        # Raw SQL: on an uncached article page, building this aggregate through the ORM cost more than running it.
        with connection.cursor() as cursor:
            cursor.execute(TOTALS_SQL, [article_id, False])
            points, votes = cursor.fetchone()
        cached = Totals(points or 0, votes)
        _totals.set(article_id, cached, TOTALS_CACHE_SECONDS)
    return cached
