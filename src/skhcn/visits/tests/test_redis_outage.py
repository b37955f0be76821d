"""Redis stops: pages still answer, page views wait in memory and are counted once Redis is back, exactly once.

A private ``redis-server`` (append-only file, as in production) is really stopped and started again.
"""

import time

import pytest
from django.core.cache import caches
from django.test import Client

from skhcn.accounts.tests.factories import ApplicantFactory
from skhcn.core import localcache
from skhcn.portal.tests.factories import ArticlePageFactory
from skhcn.testing.servers import PrivateRedis
from skhcn.visits import services, stores
from skhcn.visits.buffer import buffer
from skhcn.visits.identity import Seen
from skhcn.visits.models import HourlyTraffic

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not PrivateRedis.available(), reason="redis-server is not installed"),
]
CHROME = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36"


@pytest.fixture(scope="module")
def private_redis(tmp_path_factory):
    server = PrivateRedis(tmp_path_factory.mktemp("redis"))
    server.start()
    yield server
    server.kill()


@pytest.fixture
def redis_store(private_redis, settings):
    """The visit counter on the private Redis, started fresh for each test."""
    if private_redis.process is None:
        private_redis.start()
    settings.REDIS_URL = private_redis.url
    settings.VISITS_REDIS_PREFIX = f"skhcn-test:{time.monotonic_ns()}:"
    stores.get_store.cache_clear()
    stores.forget_settings()
    buffer.discard()
    store = stores.get_store()
    assert isinstance(store, stores.RedisStore)
    yield store
    if private_redis.process is None:
        private_redis.start()
    buffer.discard()
    stores.get_store.cache_clear()


def page_views_in_database() -> int:
    return sum(HourlyTraffic.objects.values_list("page_views", flat=True))


def test_page_views_made_while_redis_is_down_are_counted_exactly_once_it_is_back(site_tree, redis_store, private_redis):
    article = ArticlePageFactory(parent=site_tree["science"])
    reader = Client(HTTP_USER_AGENT=CHROME)
    assert reader.get(article.url).status_code == 200
    assert buffer.flush() == 1

    private_redis.stop()
    pages = [article.url, "/", article.url, "/tin-tuc-su-kien/", article.url]  # cached and uncached pages
    for url in pages:
        response = reader.get(url)
        assert response.status_code == 200, url
    assert buffer.flush() == 0  # Redis refused: nothing lost, all kept
    assert buffer.unsent_views == len(pages)
    assert buffer.flush() == 0
    assert buffer.unsent_views == len(pages)

    private_redis.start()  # the append-only file brings back what was flushed before the stop
    assert buffer.flush() == len(pages)
    assert buffer.unsent_views == 0
    redis_store.rollup()
    assert page_views_in_database() == 1 + len(pages)
    assert sum(HourlyTraffic.objects.values_list("visits", flat=True)) == 1  # one visitor, one visit
    article.refresh_from_db()
    assert article.view_count == 1  # once per visit


def test_a_batch_recorded_twice_counts_once(site_tree, redis_store):
    view = Seen(at=time.time(), visitor_key="v" * 64, member=False, user_agent=CHROME, referrer="", count=3)
    redis_store.record([view], batch_id="lost-answer")
    redis_store.record([view], batch_id="lost-answer")  # the answer was lost: the buffer tries again
    redis_store.rollup()
    assert page_views_in_database() == 3
    assert sum(HourlyTraffic.objects.values_list("visits", flat=True)) == 1


def test_live_figures_keep_their_last_known_value_while_redis_is_down(site_tree, redis_store, private_redis):
    for n in range(3):
        Client(HTTP_USER_AGENT=f"{CHROME} {n}").get("/")
    buffer.flush()
    before = services.current_figures()
    assert before.today == 3 and before.guests_online == 3

    private_redis.stop()
    localcache.clear_all()
    during = services.current_figures()
    assert (during.today, during.guests_online) == (3, 3)


def test_the_counter_block_and_view_counts_still_show_while_redis_is_down(site_tree, redis_store, private_redis):
    article = ArticlePageFactory(parent=site_tree["science"])
    Client(HTTP_USER_AGENT=CHROME).get(article.url)
    buffer.flush()
    redis_store.rollup()
    private_redis.stop()
    localcache.clear_all()
    html = Client(HTTP_USER_AGENT=f"{CHROME} other").get(article.url).content.decode()
    assert "Lượt xem: 1" in html


def test_the_buffer_drops_its_oldest_views_past_its_bound_and_says_how_many(
    site_tree, redis_store, private_redis, settings
):
    settings.VISITS_BUFFER_MAX_VIEWS = 4
    private_redis.stop()
    reader = Client(HTTP_USER_AGENT=CHROME)
    for _ in range(3):
        for _ in range(3):
            reader.get("/")
        buffer.flush()
    assert buffer.unsent_views == 3 and buffer.dropped == 6
    private_redis.start()
    assert buffer.flush() == 3


def test_logged_in_users_keep_their_session_while_redis_is_down(site_tree, redis_store, private_redis, settings):
    settings.CACHES = {
        **settings.CACHES,
        "default": {**settings.CACHES["default"], "BACKEND": "django_redis.cache.RedisCache"}
        | {
            "LOCATION": private_redis.url,
            "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 0.5, "SOCKET_TIMEOUT": 0.5},
        },
    }
    citizen = ApplicantFactory()
    browser = Client()
    browser.force_login(citizen)
    private_redis.stop()
    assert browser.get("/tai-khoan/").status_code == 200
    assert browser.get("/").status_code == 200
    # The shared cache answers "not there" instead of failing.
    assert caches["default"].get("anything") is None
    assert not caches["default"].add("lock", 1)
