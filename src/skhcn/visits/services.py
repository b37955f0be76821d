"""Figures for the counter block and the statistics page."""

import calendar
from collections import Counter
from dataclasses import dataclass
from datetime import date

from django.db.models import Sum
from django.utils import timezone

from skhcn.core.localcache import TTLCache
from skhcn.core.pages import page_url

from .constants import FIGURES_CACHE_SECONDS, Dimension, VisitorKind
from .models import HourlyTraffic, MonthlyArticleViews, MonthlyDimension, VisitSettings, article_model
from .stores import DatabaseStore, get_store


@dataclass(frozen=True)
class Figures:
    guests_online: int
    bots_online: int
    members_online: int
    today: int
    this_month: int
    total: int

    @property
    def online(self) -> int:
        return self.guests_online + self.bots_online + self.members_online


def _visits_expression(include_bots: bool) -> list[str]:
    return ["visits", "member_visits", "bot_visits"] if include_bots else ["visits", "member_visits"]


def _sum(queryset, fields) -> int:
    row = queryset.aggregate(**{f: Sum(f) for f in fields})
    return sum(row[f] or 0 for f in fields)


def _pending_visits(pending: Counter, fields, day_prefix: str = "") -> int:
    return sum(n for key, n in pending.items() if key[0] == "h" and key[3] in fields and key[1].startswith(day_prefix))


_figures = TTLCache(max_entries=4)
_article_views = TTLCache()


def current_figures() -> Figures:
    """What the counter block shows; each process recomputes it at most every couple of seconds."""
    figures = _figures.get("current")
    if figures is not None:
        return figures
    conf = VisitSettings.load()
    fields = _visits_expression(conf.include_bots_in_totals)
    today = timezone.localdate()
    month_start = today.replace(day=1)
    store = get_store()
    pending = store.pending()
    online = store.online()
    figures = Figures(
        guests_online=online.get(VisitorKind.GUEST, 0),
        bots_online=online.get(VisitorKind.BOT, 0),
        members_online=online.get(VisitorKind.MEMBER, 0),
        today=_sum(HourlyTraffic.objects.filter(day=today), fields)
        + _pending_visits(pending, fields, today.isoformat()),
        this_month=_sum(HourlyTraffic.objects.filter(day__gte=month_start, day__lte=today), fields)
        + _pending_visits(pending, fields, today.isoformat()[:7]),
        total=conf.starting_total + _sum(HourlyTraffic.objects.all(), fields) + _pending_visits(pending, fields),
    )
    _figures.set("current", figures, FIGURES_CACHE_SECONDS)
    return figures


def remember_article_views(article_id: int, stored: int) -> None:
    """Seed the view count from a page just loaded, sparing the live fragment a query (embedded mode)."""
    if isinstance(get_store(), DatabaseStore) and _article_views.get(article_id) is None:
        _article_views.set(article_id, stored, FIGURES_CACHE_SECONDS)


def article_views(article_id: int) -> int:
    value = _article_views.get(article_id)
    if value is None:
        value = article_model().objects.filter(pk=article_id).values_list("view_count", flat=True).first() or 0
        pending = get_store().pending()
        value += sum(n for k, n in pending.items() if k[0] == "a" and k[2] == article_id)
        _article_views.set(article_id, value, FIGURES_CACHE_SECONDS)
    return value


# --- Statistics page ---


@dataclass(frozen=True)
class Row:
    label: str
    humans: int
    bots: int = 0
    page_views: int = 0


def _grouped(queryset, group_field: str) -> dict:
    rows = queryset.values(group_field).annotate(
        v=Sum("visits"), m=Sum("member_visits"), b=Sum("bot_visits"), p=Sum("page_views")
    )
    return {row[group_field]: ((row["v"] or 0) + (row["m"] or 0), row["b"] or 0, row["p"] or 0) for row in rows}


def by_hour(year: int, month: int) -> list[Row]:
    data = _grouped(HourlyTraffic.objects.filter(day__year=year, day__month=month), "hour")
    return [Row(f"{h:02d}h", *data.get(h, (0, 0, 0))) for h in range(24)]


def by_day(year: int, month: int) -> list[Row]:
    data = _grouped(HourlyTraffic.objects.filter(day__year=year, day__month=month), "day")
    days = calendar.monthrange(year, month)[1]
    return [Row(f"{d:02d}/{month:02d}", *data.get(date(year, month, d), (0, 0, 0))) for d in range(1, days + 1)]


def _between(first: date, after: date) -> tuple:
    """Visits (people), bot visits and page views between two days: a range scan of the (day, hour) index."""
    row = HourlyTraffic.objects.filter(day__gte=first, day__lt=after).aggregate(
        v=Sum("visits"), m=Sum("member_visits"), b=Sum("bot_visits"), p=Sum("page_views")
    )
    return ((row["v"] or 0) + (row["m"] or 0), row["b"] or 0, row["p"] or 0)


def by_month(year: int) -> list[Row]:
    # One range query per month: grouping by an extracted month would call a function on every row.
    return [
        Row(f"{m:02d}/{year}", *_between(date(year, m, 1), date(year + m // 12, m % 12 + 1, 1))) for m in range(1, 13)
    ]


def by_year() -> list[Row]:
    last = HourlyTraffic.objects.order_by("-day").values_list("day", flat=True).first()
    if last is None:
        return []
    return [Row(str(y), *_between(date(y, 1, 1), date(y + 1, 1, 1))) for y in range(first_year(), last.year + 1)]


def dimension(year: int, month: int, which: Dimension, limit: int = 15) -> list[Row]:
    rows = (
        MonthlyDimension.objects.filter(month=date(year, month, 1), dimension=which)
        .order_by("-visits", "value")
        .values_list("value", "visits")[:limit]
    )
    return [Row(value, visits) for value, visits in rows]


def top_articles(year: int, month: int, limit: int = 10) -> list[tuple]:
    rows = (
        MonthlyArticleViews.objects.filter(month=date(year, month, 1))
        .select_related("article")
        .only("views", "article__title", "article__url_path")
        .order_by("-views", "article_id")[:limit]
    )
    return [(row.article.title, page_url(row.article), row.views) for row in rows]


def first_year() -> int:
    first = HourlyTraffic.objects.order_by("day").values_list("day", flat=True).first()
    return first.year if first else timezone.localdate().year
