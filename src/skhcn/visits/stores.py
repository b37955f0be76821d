"""Counter stores: where flushed page views become visits, exactly, across every process and server.

``DatabaseStore`` (embedded mode) does it in one database transaction per flush; writers are serialised (SQLite's
write lock, a PostgreSQL advisory lock), so two processes never both count the same visitor's new visit.
``RedisStore`` (when ``REDIS_URL`` is set) does it in a Lua script, atomically, and keeps the resulting increments
in a Redis hash that ``rollup()`` (a background task) moves into the database.
"""

import logging
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from functools import cache, lru_cache
from zoneinfo import ZoneInfo

import redis
from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.db.models import Count, F
from redis.exceptions import RedisError, ResponseError

from skhcn.core.resilience import FaultLog

from .classify import Agent, classify
from .constants import Dimension, VisitorKind
from .identity import Seen
from .models import (
    AppliedRollup,
    ArticleViewMark,
    HourlyTraffic,
    MonthlyArticleViews,
    MonthlyDimension,
    VisitorPresence,
    VisitSettings,
    article_model,
)

logger = logging.getLogger(__name__)
VN = ZoneInfo("Asia/Ho_Chi_Minh")
HOUR_FIELDS = ("visits", "member_visits", "bot_visits", "page_views", "bot_page_views")
PRUNE_EVERY_SECONDS = 60
_settings_cache: dict = {}


@dataclass(frozen=True)
class Windows:
    online: int  # seconds
    visit: int


def windows() -> Windows:
    """The admin's window settings, re-read at most every 30 seconds."""
    now = time.monotonic()
    if _settings_cache.get("until", 0) < now:
        try:
            conf = VisitSettings.load()
        except DatabaseError:
            if "value" not in _settings_cache:
                raise
            # The database is away: keep counting with the windows last read (Redis mode records without it).
            _settings_cache["until"] = now + 5
            return _settings_cache["value"]
        _settings_cache.update(
            value=Windows(conf.online_window_minutes * 60, conf.visit_window_minutes * 60), until=now + 30
        )
    return _settings_cache["value"]


def forget_settings() -> None:
    _settings_cache.clear()


@dataclass(slots=True)
class Touch:
    """One visitor within one flushed batch."""

    kind: str
    first: float
    last: float
    agent: Agent
    referrer: str


def local(ts: float) -> datetime:
    return datetime.fromtimestamp(ts, VN)


@lru_cache(maxsize=4096)
def _hour_bucket(hour_index: int) -> tuple[str, str, int]:
    when = local(hour_index * 3600)
    return ("h", when.date().isoformat(), when.hour)


def hour_bucket(ts: float) -> tuple[str, str, int]:
    """("h", day, hour) of a moment in Vietnam time, computed once per hour rather than per page view."""
    return _hour_bucket(int(ts // 3600))


def summarize(items: list[Seen]):
    touches: dict[str, Touch] = {}
    increments: Counter = Counter()
    articles: dict[tuple[str, int], float] = {}
    for view in items:
        agent = classify(view.user_agent)
        kind = VisitorKind.MEMBER if view.member else (VisitorKind.BOT if agent.is_bot else VisitorKind.GUEST)
        last = view.at if view.last is None else view.last
        touch = touches.get(view.visitor_key)
        if touch is None:
            touches[view.visitor_key] = Touch(kind, view.at, last, agent, view.referrer)
        else:
            touch.first, touch.last = min(touch.first, view.at), max(touch.last, last)
        field = "bot_page_views" if kind == VisitorKind.BOT else "page_views"
        increments[(*hour_bucket(view.at), field)] += view.count
        if kind != VisitorKind.BOT:
            for article_id in view.articles:
                key = (view.visitor_key, article_id)
                articles[key] = min(articles.get(key, view.at), view.at)
    return touches, increments, articles


def visit_increments(touches: dict[str, Touch], new_keys, increments: Counter) -> None:
    """A new visit is counted in the hour of its first page view, with its browser, OS, referrer or bot name."""
    for key in new_keys:
        touch = touches[key]
        when = local(touch.first)
        month = when.date().replace(day=1).isoformat()
        field = {"guest": "visits", "member": "member_visits", "bot": "bot_visits"}[touch.kind]
        increments[("h", when.date().isoformat(), when.hour, field)] += 1
        if touch.kind == VisitorKind.BOT:
            increments[("d", month, Dimension.BOT.value, touch.agent.bot_name)] += 1
        else:
            increments[("d", month, Dimension.BROWSER.value, touch.agent.browser)] += 1
            increments[("d", month, Dimension.OS.value, touch.agent.os)] += 1
            if touch.referrer:
                increments[("d", month, Dimension.REFERRER.value, touch.referrer)] += 1


def article_increments(new_views: list[tuple[int, float]], increments: Counter) -> None:
    for article_id, ts in new_views:
        increments[("a", local(ts).date().replace(day=1).isoformat(), article_id)] += 1


def apply_increments(increments: Counter) -> None:
    """Add counts to the history tables (inside the caller's transaction). Portable upserts: SQLite and PostgreSQL."""
    article_pages = article_model()
    hours: dict[tuple[str, int], dict[str, int]] = {}
    dims, article_months = [], []
    article_totals: Counter = Counter()
    for key, count in increments.items():
        if not count:
            continue
        if key[0] == "h":
            hours.setdefault((key[1], key[2]), dict.fromkeys(HOUR_FIELDS, 0))[key[3]] += count
        elif key[0] == "d":
            dims.append((key[1], key[2], key[3], count))
        elif key[0] == "a":
            article_months.append((key[1], key[2], count))
            article_totals[key[2]] += count
    # Table and column names below are our own constants; every value goes in as a query parameter.
    with connection.cursor() as cursor:
        hourly = HourlyTraffic._meta.db_table
        for (day, hour), counts in hours.items():
            cursor.execute(
                f"INSERT INTO {hourly} (day, hour, {', '.join(HOUR_FIELDS)}) VALUES (%s, %s, %s, %s, %s, %s, %s) "  # noqa: S608
                f"ON CONFLICT (day, hour) DO UPDATE SET "
                + ", ".join(f"{f} = {hourly}.{f} + excluded.{f}" for f in HOUR_FIELDS),
                [day, hour, *(counts[f] for f in HOUR_FIELDS)],
            )
        dimension = MonthlyDimension._meta.db_table
        for month, dim, value, count in dims:
            cursor.execute(
                f"INSERT INTO {dimension} (month, dimension, value, visits) VALUES (%s, %s, %s, %s) "  # noqa: S608
                f"ON CONFLICT (month, dimension, value) DO UPDATE SET visits = {dimension}.visits + excluded.visits",
                [month, dim, value, count],
            )
        existing = set(article_pages.objects.filter(pk__in=list(article_totals)).values_list("pk", flat=True))
        monthly = MonthlyArticleViews._meta.db_table
        for month, article_id, count in article_months:
            if article_id in existing:  # an article deleted meanwhile is skipped, not a failed flush
                cursor.execute(
                    f"INSERT INTO {monthly} (month, article_id, views) VALUES (%s, %s, %s) "  # noqa: S608
                    f"ON CONFLICT (month, article_id) DO UPDATE SET views = {monthly}.views + excluded.views",
                    [month, article_id, count],
                )
    for article_id, count in article_totals.items():
        if article_id in existing:
            article_pages.objects.filter(pk=article_id).update(view_count=F("view_count") + count)


class DatabaseStore:
    """Embedded mode: presence, visit detection and history in the database."""

    def __init__(self):
        self._last_prune = 0.0

    def record(self, items: list[Seen], batch_id: str | None = None) -> None:
        """One transaction: the whole batch or nothing (``batch_id`` is not needed: a failed commit is retried)."""
        touches, increments, articles = summarize(items)
        win = windows()
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:  # one flush at a time across all processes and servers
                    cursor.execute("SELECT pg_advisory_xact_lock(%s)", [7_104_2026])
            keys = list(touches)
            seen = {}
            for chunk in _chunks(keys, 500):
                seen.update(VisitorPresence.objects.filter(key__in=chunk).values_list("key", "last_seen"))
            new_keys = [
                key for key in keys if key not in seen or seen[key].timestamp() < touches[key].first - win.visit
            ]
            VisitorPresence.objects.bulk_create(
                [
                    VisitorPresence(
                        key=key,
                        kind=t.kind,
                        last_seen=datetime.fromtimestamp(max(t.last, seen[key].timestamp() if key in seen else 0), VN),
                    )
                    for key, t in touches.items()
                ],
                update_conflicts=True,
                unique_fields=["key"],
                update_fields=["kind", "last_seen"],
            )
            new_views = []
            if articles:
                marks = {}
                for chunk in _chunks(list({k for k, _ in articles}), 500):
                    marks.update(
                        ((m.visitor_key, m.article_id), m.last_seen)
                        for m in ArticleViewMark.objects.filter(visitor_key__in=chunk)
                    )
                for (key, article_id), ts in articles.items():
                    previous = marks.get((key, article_id))
                    # Once per visit: a view counts unless this visitor viewed the article within the visit window.
                    if previous is None or previous.timestamp() < ts - win.visit:
                        new_views.append((article_id, ts))
                ArticleViewMark.objects.bulk_create(
                    [
                        ArticleViewMark(visitor_key=k, article_id=a, last_seen=datetime.fromtimestamp(ts, VN))
                        for (k, a), ts in articles.items()
                    ],
                    update_conflicts=True,
                    unique_fields=["visitor_key", "article_id"],
                    update_fields=["last_seen"],
                )
            visit_increments(touches, new_keys, increments)
            article_increments(new_views, increments)
            apply_increments(increments)
            self._prune(win)

    def _prune(self, win: Windows) -> None:
        now = time.time()
        if now - self._last_prune < PRUNE_EVERY_SECONDS:
            return
        self._last_prune = now
        cutoff = datetime.fromtimestamp(now - max(win.visit, win.online) - 60, VN)
        VisitorPresence.objects.filter(last_seen__lt=cutoff).delete()
        ArticleViewMark.objects.filter(last_seen__lt=cutoff).delete()

    def online(self) -> dict[str, int]:
        since = datetime.fromtimestamp(time.time() - windows().online, VN)
        rows = VisitorPresence.objects.filter(last_seen__gte=since).values("kind").annotate(n=Count("key"))
        return {row["kind"]: row["n"] for row in rows}

    def pending(self) -> Counter:
        return Counter()

    def rollup(self) -> int:
        return 0


# One flushed batch, atomically and at most once (the batch id is remembered for a day): for each visitor, whether
# this is a new visit (then its visit counters are added), presence and the online sets; for each (visitor, article),
# whether the view counts (once per visit); then the page-view counters. Everything lands in the hash "pending",
# which the rollup moves into the database. Returns 0 when the batch was already applied.
RECORD_SCRIPT = """
local prefix = ARGV[1]
local window = tonumber(ARGV[2])
if not redis.call('SET', prefix .. 'batch:' .. ARGV[3], 1, 'NX', 'EX', 86400) then return 0 end
local prune_before = tonumber(ARGV[4])
local pending = prefix .. 'pending'
local visitors = tonumber(ARGV[5])
local kinds = {}
local i = 6
for n = 1, visitors do
  local key, first, last, kind = ARGV[i], tonumber(ARGV[i + 1]), tonumber(ARGV[i + 2]), ARGV[i + 3]
  local fields = tonumber(ARGV[i + 4])
  local pk = prefix .. 'p:' .. key
  local prev = redis.call('GET', pk)
  if (not prev) or (first - tonumber(prev) > window) then
    for f = 1, fields do redis.call('HINCRBY', pending, ARGV[i + 4 + f], 1) end
  end
  if (not prev) or (last > tonumber(prev)) then redis.call('SET', pk, last, 'EX', window + 60) end
  redis.call('ZADD', prefix .. 'online:' .. kind, last, key)
  kinds[kind] = true
  i = i + 5 + fields
end
if prune_before > 0 then
  for kind in pairs(kinds) do redis.call('ZREMRANGEBYSCORE', prefix .. 'online:' .. kind, '-inf', prune_before) end
end
local views = tonumber(ARGV[i])
i = i + 1
for n = 1, views do
  local mk, ts = prefix .. 'a:' .. ARGV[i], tonumber(ARGV[i + 1])
  local prev = redis.call('GET', mk)
  if (not prev) or (ts - tonumber(prev) > window) then redis.call('HINCRBY', pending, ARGV[i + 2], 1) end
  if (not prev) or (ts > tonumber(prev)) then redis.call('SET', mk, ts, 'EX', window + 60) end
  i = i + 3
end
while i <= #ARGV do
  redis.call('HINCRBY', pending, ARGV[i], tonumber(ARGV[i + 1]))
  i = i + 2
end
return 1
"""


def _encode(key: tuple) -> str:
    return "|".join(str(part).replace("|", "/") for part in key)


def _decode(field: str) -> tuple:
    parts = field.split("|")
    if parts[0] == "h":
        return ("h", parts[1], int(parts[2]), parts[3])
    if parts[0] == "a":
        return ("a", parts[1], int(parts[2]))
    return ("d", parts[1], parts[2], "|".join(parts[3:]))


class RedisStore:
    """Redis mode: visit detection in Redis (Lua, atomic); history rolled up into the database by a task.

    While Redis is away, ``record`` raises (the buffer keeps the batch) and the live figures (``pending``,
    ``online``) give their last known values, so pages never fail because of Redis.
    """

    def __init__(self, url: str, prefix: str):
        timeout = settings.REDIS_TIMEOUT
        self.redis = redis.Redis.from_url(
            url, decode_responses=True, socket_connect_timeout=timeout, socket_timeout=max(timeout, 2.0)
        )
        self.live = redis.Redis.from_url(  # the request path: short waits
            url, decode_responses=True, socket_connect_timeout=timeout, socket_timeout=timeout
        )
        self.prefix = prefix
        self.script = self.redis.register_script(RECORD_SCRIPT)
        self._last_prune = 0.0
        self._last_pending: Counter = Counter()
        self._last_online: dict[str, int] = {}
        self._faults = FaultLog(logger, "Đọc số liệu truy cập trực tiếp từ Redis")

    def record(self, items: list[Seen], batch_id: str | None = None) -> None:
        touches, increments, articles = summarize(items)
        win = windows()
        now = time.time()
        prune_before = 0.0
        if now - self._last_prune > PRUNE_EVERY_SECONDS:
            prune_before = now - max(win.online, win.visit) - 60
        args: list = [self.prefix, win.visit, batch_id or uuid.uuid4().hex, f"{prune_before:.3f}", len(touches)]
        for key, touch in touches.items():
            fields = Counter()
            visit_increments({key: touch}, [key], fields)
            args += [key, f"{touch.first:.3f}", f"{touch.last:.3f}", touch.kind, len(fields), *map(_encode, fields)]
        args.append(len(articles))
        for (visitor_key, article_id), ts in articles.items():
            month = local(ts).date().replace(day=1).isoformat()
            args += [f"{visitor_key}:{article_id}", f"{ts:.3f}", _encode(("a", month, article_id))]
        for key, count in increments.items():
            args += [_encode(key), count]
        self.script(args=args)
        if prune_before:
            self._last_prune = now

    def online(self) -> dict[str, int]:
        since = time.time() - windows().online
        try:
            pipe = self.live.pipeline(transaction=False)
            for kind in VisitorKind.values:
                pipe.zcount(self.prefix + "online:" + kind, since, "+inf")
            self._last_online = dict(zip(VisitorKind.values, pipe.execute(), strict=True))
        except RedisError as exc:
            self._faults.failed(exc)
        return self._last_online

    def pending(self) -> Counter:
        """Counts flushed to Redis but not yet in the database (shown in the live figures)."""
        try:
            total: Counter = Counter()
            for name in [self.prefix + "pending", *self.live.scan_iter(self.prefix + "rolling:*")]:
                for field, value in self.live.hgetall(name).items():
                    total[_decode(field)] += int(value)
        except RedisError as exc:
            self._faults.failed(exc)
            return self._last_pending
        self._faults.succeeded()
        self._last_pending = total
        return total

    def rollup(self) -> int:
        """Move the pending counts into the database; a batch interrupted half-way is finished on the next run."""
        for leftover in list(self.redis.scan_iter(self.prefix + "rolling:*")):
            self._apply(leftover)
        batch = f"{self.prefix}rolling:{uuid.uuid4().hex}"
        try:
            self.redis.rename(self.prefix + "pending", batch)
        except ResponseError as exc:  # no pending counts
            if "no such key" in str(exc).lower():
                return 0
            raise
        return self._apply(batch)

    def _apply(self, name: str) -> int:
        batch_id = name.rsplit(":", 1)[1]
        data = self.redis.hgetall(name)
        with transaction.atomic():
            _, created = AppliedRollup.objects.get_or_create(batch_id=batch_id)
            if created:
                apply_increments(Counter({_decode(field): int(value) for field, value in data.items()}))
        self.redis.delete(name)
        return len(data) if created else 0


def _chunks(items: list, size: int):
    for start in range(0, len(items), size):
        yield items[start : start + size]


_store_lock = threading.Lock()


@cache
def get_store():
    with _store_lock:
        if settings.REDIS_URL:
            return RedisStore(settings.REDIS_URL, settings.VISITS_REDIS_PREFIX)
        return DatabaseStore()
