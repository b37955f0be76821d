"""Visits, page views, bots, online figures and article views, through the real middleware and store."""

import time
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from skhcn.portal.tests.factories import ArticlePageFactory
from skhcn.visits import services
from skhcn.visits.buffer import buffer
from skhcn.visits.constants import Dimension
from skhcn.visits.identity import Seen
from skhcn.visits.models import HourlyTraffic, MonthlyDimension, VisitSettings
from skhcn.visits.stores import forget_settings, get_store

pytestmark = pytest.mark.django_db
VN = ZoneInfo("Asia/Ho_Chi_Minh")
CHROME = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36"
GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"


@pytest.fixture(autouse=True)
def _clean_store(settings):
    buffer.discard()
    forget_settings()
    store = get_store()
    if hasattr(store, "redis"):
        for key in store.redis.scan_iter(settings.VISITS_REDIS_PREFIX + "*"):
            store.redis.delete(key)
    yield
    buffer.discard()


def settle():
    """Flush this process's buffer and, with Redis, roll the counts into the database."""
    from skhcn.core import localcache

    buffer.flush()
    get_store().rollup()
    localcache.clear_all()


def totals():
    settle()
    return services.current_figures()


def browser(user_agent=CHROME, **extra):
    return Client(HTTP_USER_AGENT=user_agent, **extra)


def test_one_visitor_many_pages_is_one_visit_and_many_page_views(site_tree):
    visitor = browser()
    for url in ("/", "/tin-tuc-su-kien/", "/", "/tin-tuc-su-kien/khoa-hoc-cong-nghe/"):
        assert visitor.get(url).status_code == 200
    figures = totals()
    assert figures.today == figures.this_month == figures.total == 1
    assert figures.guests_online == 1 and figures.bots_online == 0
    row = HourlyTraffic.objects.get()
    assert row.visits == 1 and row.page_views == 4


def test_distinct_visitors_are_distinct_visits_even_from_cached_pages(site_tree):
    for n in range(5):
        response = browser(f"{CHROME} visitor/{n}").get("/")
        assert not response.cookies.get("skhcn_vid")  # counting needs no cookie
    assert totals().today == 5
    assert HourlyTraffic.objects.get().page_views == 5


def test_a_browser_is_one_visitor_from_its_address_and_user_agent(site_tree):
    browser().get("/")
    browser().get("/tin-tuc-su-kien/")  # a new client object: same address, same browser
    browser(f"{CHROME} another").get("/")
    assert totals().today == 2


def test_visitor_keys_are_keyed_hashes_that_change_daily():
    from skhcn.visits.identity import Identities

    ids = Identities()
    day = datetime(2026, 11, 28, 12, 0, tzinfo=VN).timestamp()
    key = ids.key(day, "203.0.113.5", CHROME)
    assert len(key) == 64 and "203.0.113.5" not in key
    assert ids.key(day + 3600, "203.0.113.5", CHROME) == key
    assert ids.key(day + 86400, "203.0.113.5", CHROME) != key
    assert ids.key(day, "203.0.113.6", CHROME) != key


def test_bots_land_in_bot_rows_not_in_totals(site_tree):
    browser(GOOGLEBOT).get("/")
    browser(GOOGLEBOT).get("/tin-tuc-su-kien/")
    browser().get("/")
    figures = totals()
    assert figures.today == 1 and figures.total == 1
    assert figures.bots_online == 1 and figures.guests_online == 1 and figures.online == 2
    row = HourlyTraffic.objects.get()
    assert row.bot_visits == 1 and row.bot_page_views == 2 and row.visits == 1
    assert MonthlyDimension.objects.get(dimension=Dimension.BOT).value == "Googlebot"
    assert MonthlyDimension.objects.get(dimension=Dimension.BROWSER).value == "Chrome"
    assert MonthlyDimension.objects.get(dimension=Dimension.OS).value == "Windows"


def test_bots_can_be_included_in_totals_and_a_starting_total_is_added(site_tree):
    conf = VisitSettings.load()
    conf.include_bots_in_totals = True
    conf.starting_total = 22_362_591
    conf.save()
    browser(GOOGLEBOT).get("/")
    browser().get("/")
    figures = totals()
    assert figures.today == 2
    assert figures.total == 22_362_593


def test_referring_sites_are_kept_by_host_and_internal_links_are_not(site_tree):
    browser(HTTP_REFERER="https://www.google.com.vn/search?q=skhcn").get("/")
    browser(f"{CHROME} 2", HTTP_REFERER="http://testserver/tin-tuc-su-kien/").get("/")
    settle()
    assert list(MonthlyDimension.objects.filter(dimension=Dimension.REFERRER).values_list("value", "visits")) == [
        ("google.com.vn", 1)
    ]


def test_article_views_count_once_per_visit_and_show_on_the_page(site_tree):
    article = ArticlePageFactory(parent=site_tree["science"])
    reader = browser()
    for _ in range(3):
        reader.get(article.url)
    browser(f"{CHROME} other").get(article.url)
    browser(GOOGLEBOT).get(article.url)
    settle()
    article.refresh_from_db()
    assert article.view_count == 2
    assert "Lượt xem: 2" in browser(f"{CHROME} third").get(article.url).content.decode()
    month = services.top_articles(datetime.now(VN).year, datetime.now(VN).month)
    assert month[0][0] == article.title and month[0][2] >= 2


def test_a_new_visit_starts_after_the_visit_window(site_tree):
    store = get_store()
    now = time.time()
    key = "a" * 64
    store.record([Seen(at=now - 3600, visitor_key=key, member=False, user_agent=CHROME, referrer="")])
    store.record([Seen(at=now - 3000, visitor_key=key, member=False, user_agent=CHROME, referrer="")])
    store.record([Seen(at=now, visitor_key=key, member=False, user_agent=CHROME, referrer="")])
    settle()
    assert sum(HourlyTraffic.objects.values_list("visits", flat=True)) == 2


def test_midnight_rollover_starts_a_new_day_and_keeps_yesterday(site_tree):
    store = get_store()
    before = datetime(2026, 11, 28, 23, 59, 30, tzinfo=VN).timestamp()
    after = datetime(2026, 11, 29, 0, 0, 30, tzinfo=VN).timestamp()
    store.record([Seen(at=before, visitor_key="b" * 64, member=False, user_agent=CHROME, referrer="")])
    store.record([Seen(at=after, visitor_key="c" * 64, member=False, user_agent=CHROME, referrer="")])
    store.record([Seen(at=after, visitor_key="b" * 64, member=False, user_agent=CHROME, referrer="")])
    settle()
    rows = {(r.day.isoformat(), r.hour): (r.visits, r.page_views) for r in HourlyTraffic.objects.all()}
    assert rows == {("2026-11-28", 23): (1, 1), ("2026-11-29", 0): (1, 2)}
    assert [r.humans for r in services.by_day(2026, 11)][27:29] == [1, 1]


def test_members_are_a_separate_online_row(site_tree, django_user_model):
    user = django_user_model.objects.create_user("staff", password="x-Very-long-1")
    member = browser()
    member.force_login(user)
    member.get("/")
    figures = totals()
    assert figures.members_online == 1 and figures.guests_online == 0
    assert figures.today == 1


def test_non_pages_are_not_counted(site_tree):
    visitor = browser()
    visitor.get("/khong-co/")  # 404
    visitor.get("/robots.txt")
    visitor.get("/rss/")
    visitor.get("/admin/")
    visitor.post("/danh-gia/1/", {"score": "3"})
    settle()
    assert not HourlyTraffic.objects.exists()


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"HTTP_USER_AGENT": ""},
        {"HTTP_USER_AGENT": "x" * 10_000},
        {"HTTP_USER_AGENT": "\x00\xff\xfe binary"},
        {"HTTP_USER_AGENT": CHROME, "HTTP_REFERER": "http://[::1"},
        {"HTTP_USER_AGENT": CHROME, "HTTP_REFERER": "r" * 10_000},
        {"HTTP_USER_AGENT": CHROME, "HTTP_ACCEPT_LANGUAGE": "\x00" * 10_000},
        {"HTTP_USER_AGENT": CHROME, "HTTP_X_FORWARDED_FOR": "1.2.3.4, <script>, 999.1.1.1"},
        {"HTTP_COOKIE": "skhcn_vid=../../etc; other=\x01"},
        {"HTTP_USER_AGENT": CHROME, "HTTP_REFERER": "javascript:alert(1)"},
    ],
)
def test_odd_headers_are_counted_sensibly_and_never_fail(site_tree, headers):
    response = Client(**headers).get("/")
    assert response.status_code == 200
    figures = totals()
    assert figures.today + figures.bots_online >= 1


def test_forged_forwarded_for_is_ignored_unless_from_a_trusted_proxy(site_tree, settings):
    from django.test import RequestFactory

    from skhcn.core.net import client_ip

    request = RequestFactory().get("/", HTTP_X_FORWARDED_FOR="1.2.3.4", REMOTE_ADDR="10.0.0.9")
    assert client_ip(request) == "10.0.0.9"
    settings.TRUSTED_PROXIES = ["10.0.0.9"]
    assert client_ip(request) == "1.2.3.4"
    request = RequestFactory().get("/", HTTP_X_FORWARDED_FOR="junk, 5.6.7.8", REMOTE_ADDR="10.0.0.9")
    assert client_ip(request) == "5.6.7.8"


def test_a_flood_from_one_address_cannot_invent_visitors(site_tree, monkeypatch):
    from types import SimpleNamespace

    from skhcn.visits import identity, middleware

    monkeypatch.setattr(identity, "identities", identity.Identities(limit=3))
    moment = time.time()
    monkeypatch.setattr(middleware, "time", SimpleNamespace(time=lambda: moment))  # all within one minute
    for n in range(20):
        browser(f"{CHROME} flood/{n}").get("/")
    assert totals().today == 4  # three new visitors, then everything else counts as one


def test_counter_block_shows_current_figures_on_cached_pages(site_tree):
    from skhcn.portal.constants import SidebarKind
    from skhcn.portal.models import SidebarBlock

    SidebarBlock.objects.create(title="THỐNG KÊ TRUY CẬP", kind=SidebarKind.VISIT_COUNTER)
    browser("first").get("/")
    settle()
    html = browser().get("/").content.decode()
    assert "THỐNG KÊ TRUY CẬP" in html
    assert "Hôm nay" in html and "Tháng hiện tại" in html and "Tổng lượt truy cập" in html
    settle()
    page = browser(f"{CHROME} later").get("/")
    assert page["X-Cache"] == "HIT"
    assert "<dt>Hôm nay</dt><dd>2</dd>" in page.content.decode()
