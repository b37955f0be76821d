from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from skhcn.portal.constants import ARTICLES_PER_PAGE
from skhcn.portal.tests.factories import ArticlePageFactory, CategoryPageFactory

VN = ZoneInfo("Asia/Ho_Chi_Minh")
pytestmark = pytest.mark.django_db


def _html(response):
    return response.content.decode()


def test_article_page_shows_every_element(client, site_tree):
    article = ArticlePageFactory(
        parent=site_tree["science"],
        title="Đẩy mạnh phong trào",
        published_at=datetime(2021, 4, 12, 15, 58, tzinfo=VN),
        lead="Công tác dân vận.",
        author_name="HK",
        source="Báo Cao Bằng",
        tags=["dân vận"],
    )
    assert article.slug == "day-manh-phong-trao"
    html = _html(client.get("/tin-tuc-su-kien/khoa-hoc-cong-nghe/day-manh-phong-trao/"))
    assert '<li><a href="/">Trang nhất</a></li>' in html
    assert html.index("Tin tức sự kiện") < html.index("Khoa học &amp; công nghệ")
    assert "Thứ hai - 12/04/2021 15:58" in html
    assert "Tác giả bài viết: <strong>HK</strong>" in html
    assert "Nguồn tin: Báo Cao Bằng" in html
    assert 'rel="tag">dân vận</a>' in html
    assert "Tổng số điểm của bài viết là: 0 trong 0 đánh giá" in html
    assert "Click để đánh giá bài viết" in html
    assert '<meta property="og:title" content="Đẩy mạnh phong trào">' in html
    assert (
        'rel="canonical" href="http://127.0.0.1:8000/tin-tuc-su-kien/khoa-hoc-cong-nghe/day-manh-phong-trao/"' in html
    )


def test_newer_and_older_lists_follow_publication_time_within_the_category(client, site_tree):
    base = datetime(2021, 4, 12, 15, 58, tzinfo=VN)
    science = site_tree["science"]
    older = [ArticlePageFactory(parent=science, title=f"Cũ {i}", published_at=base - timedelta(days=i)) for i in (1, 2)]
    newer = [
        ArticlePageFactory(parent=science, title=f"Mới {i}", published_at=base + timedelta(days=i)) for i in (1, 2)
    ]
    other = CategoryPageFactory(parent=site_tree["news"], title="Chuyên mục khác")
    ArticlePageFactory(parent=other, title="Khác chuyên mục", published_at=base + timedelta(hours=1))
    target = ArticlePageFactory(parent=science, title="Bài giữa", published_at=base)
    html = _html(client.get(target.url))
    newer_html = html[html.index("Những tin mới hơn") : html.index("Những tin cũ hơn")]
    older_html = html[html.index("Những tin cũ hơn") :]
    assert newer_html.index("Mới 2") < newer_html.index("Mới 1")
    assert "Cũ" not in newer_html and "Khác chuyên mục" not in html
    assert older_html.index(older[0].title) < older_html.index(older[1].title)
    assert all(a.title not in older_html for a in newer)


def test_print_view_and_related_articles(client, site_tree):
    a = ArticlePageFactory(parent=site_tree["science"], title="Bài có từ khóa", tags=["trúc sào"])
    b = ArticlePageFactory(parent=site_tree["science"], title="Bài cùng từ khóa", tags=["trúc sào"])
    html = _html(client.get(a.url))
    assert "Tin liên quan" in html and b.title in html
    printed = client.get(a.url + "?in=1")
    assert printed.status_code == 200
    assert 'name="robots" content="noindex"' in _html(printed)


def test_category_pagination_has_one_canonical_url_per_page(client, site_tree):
    for i in range(ARTICLES_PER_PAGE + 3):
        ArticlePageFactory(parent=site_tree["science"], title=f"Tin {i}")
    url = "/tin-tuc-su-kien/khoa-hoc-cong-nghe/"
    first = _html(client.get(url))
    assert f'<link rel="next" href="{url}?page=2">' in first
    assert 'rel="prev"' not in first
    second = _html(client.get(url + "?page=2"))
    assert f'<link rel="prev" href="{url}">' in second
    assert f'rel="canonical" href="http://127.0.0.1:8000{url}?page=2"' in second
    redirect = client.get(url + "?page=1")
    assert redirect.status_code == 301 and redirect["Location"] == url
    # the parent category lists its subcategories' articles too
    assert "Tin 0" in _html(client.get("/tin-tuc-su-kien/?page=2")) or "Tin 0" in _html(client.get("/tin-tuc-su-kien/"))


@pytest.mark.parametrize("page", ["0", "99", "abc", "-1", "1e3", "%00"])
def test_bad_page_numbers_give_a_vietnamese_404(client, site_tree, page):
    response = client.get(f"/tin-tuc-su-kien/khoa-hoc-cong-nghe/?page={page}")
    assert response.status_code == 404
    assert "Không tìm thấy trang" in _html(response)


def test_unknown_urls_and_unpublished_ancestors_give_404(client, site_tree, django_capture_on_commit_callbacks):
    article = ArticlePageFactory(parent=site_tree["science"], title="Bài công khai")
    assert client.get("/khong-co-trang-nay/").status_code == 404
    assert client.get("/tin-tuc-su-kien/khoa-hoc-cong-nghe/khong-co/").status_code == 404
    assert client.get(article.url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        site_tree["science"].unpublish()
    assert client.get(article.url).status_code == 404


def test_home_page_has_headline_latest_and_category_blocks(client, site_tree):
    ArticlePageFactory(parent=site_tree["science"], title="Tin tiêu điểm", is_headline=True)
    ArticlePageFactory(parent=site_tree["science"], title="Tin thường")
    html = _html(client.get("/"))
    assert 'class="headline"' in html  # no picture: no picture column and "Tin tiêu điểm" in html
    assert "Tin mới" in html and "Tin thường" in html
    assert 'id="cm-' in html and "Tin tức sự kiện" in html


def test_rss_sitemap_robots(client, site_tree, settings):
    settings.WAGTAILADMIN_BASE_URL = "https://skhcn.example.gov.vn/"
    article = ArticlePageFactory(parent=site_tree["science"], title="Tin RSS")
    feed = client.get("/rss/")
    assert feed.status_code == 200 and "Tin RSS" in _html(feed)
    category_feed = client.get(f"/rss/{site_tree['science'].id}/")
    assert category_feed.status_code == 200 and "Tin RSS" in _html(category_feed)
    assert client.get("/rss/999999/").status_code == 404
    sitemap = client.get("/sitemap.xml")
    assert sitemap.status_code == 200 and article.slug in _html(sitemap)
    robots = client.get("/robots.txt")
    assert "Sitemap: https://skhcn.example.gov.vn/sitemap.xml" in _html(robots)
    assert "<link>https://skhcn.example.gov.vn/</link>" in _html(feed) and "testserver" not in _html(feed)
    assert "testserver" not in _html(category_feed) and "testserver" not in _html(robots)


@pytest.mark.parametrize(
    "query",
    ["?a=%ff%fe", "?page=1&page=2", "?%3Cscript%3E=1", "?" + "x" * 5000, "?in=%00", "?q[]=1"],
)
def test_malformed_query_strings_never_fail(client, site_tree, query):
    article = ArticlePageFactory(parent=site_tree["science"])
    for url in ("/", "/tin-tuc-su-kien/", article.url):
        assert client.get(url + query).status_code in (200, 301, 404)


def test_slug_is_generated_without_diacritics_when_empty(site_tree):
    article = ArticlePageFactory.build(title="Đường đến thành công", slug="")
    article.full_clean(exclude=["path", "depth", "content_type", "draft_title"])
    assert article.slug == "duong-den-thanh-cong"


def test_scheduled_article_goes_live_when_the_scheduler_runs(client, site_tree):
    from django.core.management import call_command
    from django.utils import timezone

    article = ArticlePageFactory(parent=site_tree["science"], title="Tin hẹn giờ", live=False)
    article.go_live_at = timezone.now() + timedelta(hours=1)
    article.save_revision().publish()  # with a future go-live time this only schedules
    article.refresh_from_db()
    assert not article.live
    call_command("run_scheduler", "--once")
    article.refresh_from_db()
    assert not article.live

    with time_machine.travel(article.go_live_at + timedelta(minutes=1)):
        call_command("run_scheduler", "--once")
    article.refresh_from_db()
    assert article.live
    assert client.get("/tin-tuc-su-kien/khoa-hoc-cong-nghe/tin-hen-gio/").status_code == 200
    assert article.published_at is not None


def test_a_moved_article_joins_the_neighbour_lists_of_its_new_category(client, site_tree):
    other = CategoryPageFactory(parent=site_tree["news"], title="Chuyên mục mới")
    base = datetime(2021, 4, 12, 15, 58, tzinfo=VN)
    staying = ArticlePageFactory(parent=other, title="Bài ở lại", published_at=base)
    moving = ArticlePageFactory(
        parent=site_tree["science"], title="Bài chuyển đi", published_at=base - timedelta(days=1)
    )
    assert moving.category_id == site_tree["science"].id
    moving.move(other, pos="last-child")
    moving.refresh_from_db()
    assert moving.category_id == other.id
    html = _html(client.get(f"/tin-tuc-su-kien/chuyen-muc-moi/{staying.slug}/"))
    assert "Những tin cũ hơn" in html and "Bài chuyển đi" in html


def test_the_menu_puts_the_services_first_and_lists_the_st_records(client, site_tree):
    import re

    html = client.get("/").content.decode()
    menu = html[html.index('<div class="menu-wide">') :]
    links = re.findall(r'<li><a href="([^"]+)">', menu[: menu.index("</div>")])
    assert links[:4] == ["/", "/thu-tuc-hanh-chinh/", "/dich-vu-cong/tra-cuu/", "/dich-vu-cong/ho-so-cua-toi/"]
    assert "/tin-tuc-su-kien/" in links and links[-1] == "/du-lieu-khcn/"
    assert client.get("/du-lieu-khcn/").status_code == 200


def test_the_home_page_offers_the_services_first(client, site_tree):
    html = client.get("/").content.decode()
    services = html.index('<section class="services"')
    assert '</h1>\n<section class="services"' in html  # the first thing of the page's content, above the news
    section = html[services : html.index("</section>", services)]
    assert 'action="/thu-tuc-hanh-chinh/"' in section and 'name="q"' in section
    for path, label in [
        ("/thu-tuc-hanh-chinh/", "Nộp hồ sơ trực tuyến"),
        ("/dich-vu-cong/tra-cuu/", "Tra cứu hồ sơ"),
        ("/dich-vu-cong/ho-so-cua-toi/", "Hồ sơ của tôi"),
    ]:
        assert f'href="{path}"><strong>{label}</strong>' in section
    assert client.get("/thu-tuc-hanh-chinh/", {"q": "giấy chứng nhận"}).status_code == 200
