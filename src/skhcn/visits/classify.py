"""What a User-Agent and a Referer say: bot or not (crawlerdetect), browser and OS (ua-parser), referring site.

Runs in the background flusher, never on the request path, with results cached per distinct User-Agent.
"""

import threading
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlsplit

from crawlerdetect import CrawlerDetect
from ua_parser import parse as parse_user_agent

from .constants import MAX_DIMENSION_VALUE, MAX_USER_AGENT, UNKNOWN

_detector = CrawlerDetect()
_lock = threading.Lock()  # CrawlerDetect keeps the last match on the instance


@dataclass(frozen=True, slots=True)
class Agent:
    is_bot: bool
    bot_name: str
    browser: str
    os: str


def _clean(text: str) -> str:
    return "".join(ch for ch in text if ch.isprintable())[:MAX_DIMENSION_VALUE].strip() or UNKNOWN


@lru_cache(maxsize=4096)
def classify(user_agent: str) -> Agent:
    user_agent = user_agent[:MAX_USER_AGENT]
    if not user_agent.strip():
        # A client that does not say what it is is a program, not a person with a browser.
        return Agent(True, UNKNOWN, UNKNOWN, UNKNOWN)
    with _lock:
        is_bot = _detector.isCrawler(user_agent)
        match = _detector.getMatches() if is_bot else None
    if is_bot:
        return Agent(True, _clean(match or UNKNOWN), UNKNOWN, UNKNOWN)
    parsed = parse_user_agent(user_agent)
    browser = parsed.user_agent.family if parsed.user_agent else UNKNOWN
    os_name = parsed.os.family if parsed.os else UNKNOWN
    return Agent(
        False,
        "",
        _clean(browser if browser != "Other" else UNKNOWN),
        _clean(os_name if os_name != "Other" else UNKNOWN),
    )


def referrer_host(referer: str, own_host: str) -> str:
    """The referring site's host name, or "" for direct visits and links inside the portal."""
    if not referer:
        return ""
    try:
        host = (urlsplit(referer[:2000]).hostname or "").lower()
    except ValueError:
        return ""
    if not host or host == own_host.split(":")[0].lower():
        return ""
    if host.startswith("www."):
        host = host[4:]
    return _clean(host) if host.isascii() else ""
