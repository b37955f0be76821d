"""Who made a page view: run by the flusher on recorded header values, never on the request path.

A visitor is one browser on one address for one day: a keyed hash of address + User-Agent whose key changes every
day (Vietnam time). No cookie is needed and no address is stored. An address that shows more than
``VISITS_MAX_BROWSERS_PER_ADDRESS_PER_MINUTE`` different browsers in a minute in one process (a flood or a
scanner) counts as one visitor from then on, for the rest of that minute.
"""

from dataclasses import dataclass
from datetime import date

from django.conf import settings

from skhcn.core.net import client_address, daily_hash

from .classify import referrer_host

# What the request path records, as a plain tuple (the cheapest thing to build), worked out later by the flusher:
# (unix time, REMOTE_ADDR, X-Forwarded-For, User-Agent, Referer, Host, is member, article ids).
PageView = tuple[float, str, str, str, str, str, bool, list[int]]
VN_OFFSET = 7 * 3600  # Vietnam keeps UTC+7 all year


@dataclass(slots=True)
class Seen:
    """A page view with its visitor worked out."""

    at: float  # the first of these page views
    visitor_key: str
    member: bool
    user_agent: str
    referrer: str  # referring host, or "" for direct visits and internal links
    articles: tuple[int, ...] = ()
    count: int = 1  # identical page views of one client within one flush, counted once here
    last: float | None = None  # the last of them (None: same as ``at``)


class Identities:
    def __init__(self, limit: int | None = None):
        self.limit = limit
        self.reset()

    def reset(self) -> None:
        self.hashes: dict[tuple[int, str], str] = {}
        self.minute = -1
        self.per_address: dict[str, set[str]] = {}

    def _hash(self, day_index: int, value: str, purpose: str) -> str:
        cached = self.hashes.get((day_index, value))
        if cached is None:
            if len(self.hashes) > 50_000:
                self.hashes = {}
            cached = daily_hash(value, purpose, date.fromordinal(date(1970, 1, 1).toordinal() + day_index))
            self.hashes[(day_index, value)] = cached
        return cached

    def key(self, at: float, address: str, user_agent: str) -> str:
        day_index = int((at + VN_OFFSET) // 86400)
        minute = int(at // 60)
        if minute != self.minute:
            self.minute, self.per_address = minute, {}
        agents = self.per_address.setdefault(address, set())
        limit = self.limit if self.limit is not None else settings.VISITS_MAX_BROWSERS_PER_ADDRESS_PER_MINUTE
        if user_agent not in agents and len(agents) >= limit:
            return self._hash(day_index, f"flood|{address}", "visitor-flood")
        agents.add(user_agent)
        return self._hash(day_index, f"{address}|{user_agent}", "visitor")

    def resolve(self, views: list[PageView]) -> list[Seen]:
        """Group one flush's page views by client and hour (a busy client costs one lookup), then identify them."""
        groups: dict[tuple, list] = {}
        for at, remote, forwarded, user_agent, referer, host, member, articles in views:
            client = (remote, forwarded, user_agent, referer, host, member, tuple(articles), int(at // 3600))
            group = groups.get(client)
            if group is None:
                groups[client] = [at, at, 1]
            else:
                group[0] = min(group[0], at)
                group[1] = max(group[1], at)
                group[2] += 1
        out = []
        for (remote, forwarded, user_agent, referer, host, member, articles, _hour), (
            first,
            last,
            count,
        ) in groups.items():
            key = self.key(first, client_address(remote, forwarded), user_agent)
            referrer = referrer_host(referer, host) if referer else ""
            out.append(Seen(first, key, member, user_agent, referrer, articles, count, last))
        return out


identities = Identities()


def resolve(views: list[PageView]) -> list[Seen]:
    return identities.resolve(views)
