"""The search page and the index, end to end (run on SQLite and on PostgreSQL with DATABASE_URL)."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.utils.html import escape
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skhcn.portal.tests.factories import ArticlePageFactory, CategoryPageFactory
from skhcn.search import engine
from skhcn.search.models import ArticleSearchEntry

VN = ZoneInfo("Asia/Ho_Chi_Minh")
TITLE = "Đẩy mạnh phong trào thi đua “Dân vận khéo”"
pytestmark = pytest.mark.django_db


def _get(client, **params):
    response = client.get("/tim-kiem/", params)
    return response, response.content.decode()


def _titles(html: str) -> list[str]:
    """Result titles in order, <mark> removed."""
    return [
        re.sub(r"</?mark>", "", t)
        for t in re.findall(r'<li class="article-item search-result">\s*<h3><a [^>]*>(.*?)</a>', html)
    ]


@pytest.fixture
def articles(site_tree):
    science, news = site_tree["science"], site_tree["news"]
    other = CategoryPageFactory(parent=site_tree["home"], title="Công tác xuất bản")
    made = {
        "seed": ArticlePageFactory(
            parent=science,
            title=TITLE,
            lead="Thấm nhuần lời dạy của Bác.",
            published_at=datetime(2021, 4, 12, 23, 30, tzinfo=VN),
            tags=["dân vận khéo"],
        ),
        "market": ArticlePageFactory(
            parent=news,
            title="Kiểm tra đo lường cuối năm",
            lead="Đoàn kiểm tra làm việc tại chợ.",
            body=[("paragraph", "<p>Cán bộ chi cục tuyên truyền công tác dân vận.</p>")],
            published_at=datetime(2021, 5, 2, 9, 0, tzinfo=VN),
        ),
        "publishing": ArticlePageFactory(
            parent=other,
            title="Xuất bản kỷ yếu hội thảo",
            lead="Kỷ yếu gồm 30 bài.",
            published_at=datetime(2021, 4, 13, 0, 30, tzinfo=VN),
        ),
    }
    made["categories"] = {"science": science, "news": news, "other": other}
    return made


# --- matching ---


@pytest.mark.parametrize(
    "query", ["dan van kheo", "DÂN VẬN KHÉO", "Dân vận khéo", "day manh", "ĐẨY", "thi đua", "dân vận kh"]
)
def test_accents_case_and_d_do_not_matter(client, articles, query):
    response, html = _get(client, q=query)
    assert response.status_code == 200
    assert _titles(html)[0] == escape(TITLE)
    assert "Xuất bản kỷ yếu" not in html


def test_words_are_anded_and_only_the_last_one_is_a_prefix(client, articles):
    assert _titles(_get(client, q="day manh xuat")[1]) == []
    assert _titles(_get(client, q="kiem tra do luo")[1]) == ["Kiểm tra đo lường cuối năm"]
    assert _titles(_get(client, q="luo tra")[1]) == []  # "luo" is not a word of its own


def test_tags_and_body_text_are_searched(client, articles):
    assert _titles(_get(client, q="chi cuc tuyen truyen")[1]) == ["Kiểm tra đo lường cuối năm"]
    assert _titles(_get(client, q="tham nhuan")[1]) == [escape(TITLE)]


def test_title_match_ranks_above_body_match(client, site_tree):
    body_only = ArticlePageFactory(
        parent=site_tree["science"],
        title="Tin hoạt động tháng năm",
        lead="Hội nghị bàn về sở hữu trí tuệ cho doanh nghiệp.",
        published_at=datetime(2024, 5, 1, tzinfo=VN),  # newer: would come first if only dates counted
    )
    in_title = ArticlePageFactory(
        parent=site_tree["science"],
        title="Tuyên truyền về sở hữu trí tuệ",
        lead="Hội nghị tổ chức tại thành phố.",
        published_at=datetime(2020, 5, 1, tzinfo=VN),
    )
    assert _titles(_get(client, q="so huu tri tue")[1]) == [in_title.title, body_only.title]
    page = engine.search("so huu tri tue")
    assert [hit.article_id for hit in page.hits] == [in_title.id, body_only.id]


def test_result_shows_link_date_category_and_highlighted_original_text(client, articles):
    html = _get(client, q="dan van kheo")[1]
    seed = articles["seed"]
    assert f'<a href="/tin-tuc-su-kien/khoa-hoc-cong-nghe/{seed.slug}/">' in html
    assert "12/04/2021" in html  # 23:30 in Vietnam, 16:30 UTC: the Vietnamese date is shown
    assert "Khoa học &amp; công nghệ" in html
    assert "thi đua “<mark>Dân</mark> <mark>vận</mark> <mark>khéo</mark>”" in html
    assert '<meta name="robots" content="noindex">' in html


# --- filters ---


def test_category_filter_includes_subcategories(client, articles):
    cats = articles["categories"]
    assert _titles(_get(client, q="dan van", chuyen_muc=cats["news"].id)[1]) == [
        escape(TITLE),
        "Kiểm tra đo lường cuối năm",
    ]
    assert _titles(_get(client, q="dan van", chuyen_muc=cats["science"].id)[1]) == [escape(TITLE)]
    assert _titles(_get(client, q="dan van", chuyen_muc=cats["other"].id)[1]) == []


def test_date_filters_use_vietnamese_days_inclusively(client, articles):
    titles = _titles(_get(client, tu_ngay="12/04/2021", den_ngay="12/04/2021")[1])
    assert titles == [escape(TITLE)]  # 12/04 23:30 VN is in; 13/04 00:30 VN is not
    titles = _titles(_get(client, tu_ngay="13/04/2021")[1])
    assert titles == ["Kiểm tra đo lường cuối năm", "Xuất bản kỷ yếu hội thảo"]  # no words: newest first
    assert _titles(_get(client, q="ky yeu", den_ngay="12/04/2021")[1]) == []


def test_filters_alone_list_articles_newest_first(client, articles):
    response, html = _get(client, chuyen_muc=articles["categories"]["news"].id)
    assert response.status_code == 200
    assert _titles(html) == ["Kiểm tra đo lường cuối năm", escape(TITLE)]


# --- keeping the index current ---


def test_unpublish_and_delete_remove_from_results(client, articles):
    assert _titles(_get(client, q="kiem tra")[1]) == ["Kiểm tra đo lường cuối năm"]
    articles["market"].unpublish()
    assert _titles(_get(client, q="kiem tra")[1]) == []
    assert not ArticleSearchEntry.objects.filter(article_id=articles["market"].id).exists()
    assert _titles(_get(client, q="xuat ban")[1]) == ["Xuất bản kỷ yếu hội thảo"]
    articles["publishing"].delete()
    assert _titles(_get(client, q="xuat ban")[1]) == []


def test_republishing_updates_the_entry(client, articles):
    seed = articles["seed"]
    seed.title = "Chuyển đổi số cấp xã"
    seed.body = [("paragraph", "<p>Nội dung mới.</p>")]
    seed.lead = ""
    seed.tags.clear()
    seed.save_revision().publish()
    assert _titles(_get(client, q="chuyen doi so")[1]) == ["Chuyển đổi số cấp xã"]
    assert _titles(_get(client, q="day manh")[1]) == []
    assert ArticleSearchEntry.objects.filter(article_id=seed.id).count() == 1


def test_unpublished_category_hides_its_articles_and_republishing_restores_them(client, articles):
    science = articles["categories"]["science"]
    science.unpublish()
    assert _titles(_get(client, q="dan van kheo")[1]) == []
    science.save_revision().publish()
    assert _titles(_get(client, q="dan van kheo")[1]) == [escape(TITLE)]


def test_moving_an_article_updates_the_category_filter(client, articles):
    other = articles["categories"]["other"]
    articles["seed"].move(other, pos="last-child")
    assert _titles(_get(client, q="dan van kheo", chuyen_muc=other.id)[1]) == [escape(TITLE)]
    html = _get(client, q="dan van kheo", chuyen_muc=articles["categories"]["news"].id)[1]
    assert _titles(html) == []


def test_rebuild_command_restores_and_prunes_the_index(client, articles, site_tree):
    draft = ArticlePageFactory(parent=site_tree["science"], title="Bản nháp dân vận", live=False)
    assert not ArticleSearchEntry.objects.filter(article_id=draft.id).exists()
    ArticleSearchEntry.objects.all().delete()
    assert _titles(_get(client, q="dan van kheo")[1]) == []
    from skhcn.search.indexing import build_entry

    build_entry(draft).save()  # a stale entry of an article that is not live
    call_command("rebuild_search_index", batch_size=2, verbosity=0)
    assert ArticleSearchEntry.objects.count() == 3
    assert _titles(_get(client, q="dan van kheo")[1]) == [escape(TITLE)]
    assert "Bản nháp" not in _get(client, q="ban nhap")[1]


# --- the page itself ---


def test_empty_search_shows_the_form_with_a_hint(client, articles):
    for params in ({}, {"q": "   "}, {"q": "", "chuyen_muc": "", "tu_ngay": ""}):
        response, html = _get(client, **params)
        assert response.status_code == 200
        assert "Nhập từ khóa (có dấu hoặc không dấu)" in html
        assert _titles(html) == []
    assert 'label for="id_q"' in html and 'label for="id_chuyen_muc"' in html


def test_pagination_keeps_the_query_and_handles_bad_pages(client, site_tree):
    for n in range(17):
        ArticlePageFactory(
            parent=site_tree["science"], title=f"Hội thảo số {n}", published_at=datetime(2022, 1, 1 + n, tzinfo=VN)
        )
    response, html = _get(client, q="hoi thao")
    assert len(_titles(html)) == 15 and "Tìm thấy 17 bài viết" in html
    assert 'href="?q=hoi+thao&amp;page=2"' in html
    html = _get(client, q="hoi thao", page="2")[1]
    assert len(_titles(html)) == 2 and "Trang 2 / 2" in html
    response, html = _get(client, q="hoi thao", page="99")
    assert response.status_code == 200 and len(_titles(html)) == 2
    assert "Không có trang 99, đang hiện trang cuối (2)." in html
    for bad in ("abc", "-1", "0", "1.5", "9" * 40):
        response, html = _get(client, q="hoi thao", page=bad)
        assert response.status_code == 200 and len(_titles(html)) == 15
        assert "Số trang không hợp lệ, đang hiện trang 1." in html


def test_search_responses_are_not_page_cached(client, articles):
    first = client.get("/tim-kiem/", {"q": "dan van"})
    assert not getattr(first, "page_cacheable", False)
    second = client.get("/tim-kiem/", {"q": "dan van"})
    assert second.get("X-Cache") != "HIT"
    assert first["X-Robots-Tag"] == "noindex"


# --- bad input ---


def test_overlong_query_is_refused_in_vietnamese(client, articles):
    response, html = _get(client, q="a" * 201)
    assert response.status_code == 400
    assert "Từ khóa quá dài (tối đa 200 ký tự)." in html
    assert _titles(html) == []
    response, html = _get(client, q="dân " * 50)  # exactly 200 characters with the spaces, stripped: fine
    assert response.status_code == 200


@pytest.mark.parametrize("value", ["31/02/2024", "2024-01-01", "abc", "1/1/99", "01/01/0001", "32/13/2020", "x" * 500])
def test_invalid_dates_are_refused(client, articles, value):
    for field in ("tu_ngay", "den_ngay"):
        response, html = _get(client, q="dan van", **{field: value})
        assert response.status_code == 400
        assert "Ngày không hợp lệ, hãy nhập theo dạng dd/mm/yyyy." in html
        assert _titles(html) == []


def test_from_date_after_to_date_is_refused(client, articles):
    response, html = _get(client, q="dan van", tu_ngay="13/04/2021", den_ngay="12/04/2021")
    assert response.status_code == 400
    assert "“Từ ngày” phải trước hoặc trùng “Đến ngày”." in html


@pytest.mark.parametrize("value", ["999999", "abc", "1.5", "-1"])
def test_unknown_category_is_refused(client, articles, value):
    response, html = _get(client, q="dan van", chuyen_muc=value)
    assert response.status_code == 400
    assert "Chuyên mục không tồn tại." in html


def test_a_page_id_that_is_not_a_category_is_refused(client, articles):
    response, html = _get(client, q="dan van", chuyen_muc=articles["seed"].id)
    assert response.status_code == 400 and "Chuyên mục không tồn tại." in html


def test_html_in_the_query_is_escaped_in_the_echo(client, articles):
    response, html = _get(client, q='<script>alert("x")</script> dân vận')
    assert response.status_code == 200
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; dân vận" in html
    assert 'value="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; dân vận"' in html


def test_html_in_articles_is_escaped_around_the_highlights(client, site_tree):
    ArticlePageFactory(
        parent=site_tree["science"],
        title="Thẻ <b> trong tin <i>đậm</i>",
        lead="Dùng thẻ <b>in đậm</b> & <script>alert(1)</script>",
        body=[("paragraph", "<p>Mã &lt;b&gt;đậm&lt;/b&gt; trong đoạn văn.</p>")],
    )
    html = _get(client, q="dam")[1]
    assert "Thẻ &lt;b&gt; trong tin &lt;i&gt;<mark>đậm</mark>&lt;/i&gt;" in html
    assert "Dùng thẻ &lt;b&gt;in <mark>đậm</mark>&lt;/b&gt; &amp; &lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "Mã &lt;b&gt;<mark>đậm</mark>&lt;/b&gt;" in html
    assert "<b>" not in html and "<script>alert" not in html


@pytest.mark.parametrize(
    "query",
    [
        '"',
        '""',
        "*",
        "dan*",
        "NEAR(",
        "NEAR(dan van, 2)",
        "dan OR van",
        "dan AND",
        "-dan",
        "dan -van",
        ":",
        "title:dan",
        "folded_title:dan",
        "^dan",
        "(dan",
        "dan)",
        "'",
        "\\",
        "a & b | !c",
        "dan:*",
        "{dan van}",
        "+",
        "%",
        "_",
        "NOT",
        "dân' OR '1'='1",
        "\x00",
        "\ufffd\ufffe",
        "\U0001f600",
        "đ" * 200,
    ],
)
def test_query_syntax_is_plain_text(client, articles, query):
    response, _ = _get(client, q=query)
    assert response.status_code == 200


def test_malformed_query_strings_do_not_fail(client, articles):
    for raw in (
        "q=dan&q=van&q[]=x",
        "q[]=dan",
        "q=%00%ff%fe&chuyen_muc=%00",
        "q=dan&chuyen_muc=1&chuyen_muc=abc",
        "q=%E1%BA&page=%00",
        "tu_ngay[]=01/01/2020&q=dan",
        "q=dan&page=1&page=x",
        "=&&=x&q",
    ):
        response = client.get("/tim-kiem/?" + raw)
        assert response.status_code in (200, 400), raw
    response, html = _get(client, q=["dan van kheo", "kiem tra"])  # repeated: the last one counts
    assert _titles(html) == ["Kiểm tra đo lường cuối năm"]


def test_only_get_is_allowed(client, articles):
    assert client.post("/tim-kiem/", {"q": "dan"}).status_code == 405


def test_searching_writes_nothing(client, articles):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _get(client)  # the first page view of a site creates its PortalSettings row (base template)
    with CaptureQueriesContext(connection) as queries:
        assert _get(client, q="dan van", tu_ngay="01/01/2021")[0].status_code == 200
    writes = [q["sql"] for q in queries if re.match(r"\s*(INSERT|UPDATE|DELETE)", q["sql"], re.I)]
    assert writes == []


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=st.text(max_size=200))
def test_any_text_query_returns_200(client, articles, query):
    response = client.get("/tim-kiem/", {"q": query})
    assert response.status_code == 200
    assert "<mark><" not in response.content.decode()


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=st.text(alphabet="aăâbcdđeêghiklmnoôơpqrstuưvxy ÁÀẢÃẠẤẦẨẪẬ*\"'():-^", min_size=1, max_size=40))
def test_search_function_never_raises_and_matches_the_view(articles, query):
    page = engine.search(query)
    assert page.total >= len(page.hits)
    assert page.total == 0 or page.hits


def test_page_past_the_end_in_the_function(articles):
    page = engine.search("dan van", page=50, per_page=1)
    assert page.total == 2 and page.number == 2 and page.requested_number == 50
    assert len(page.hits) == 1
    assert engine.search("khong co tu nay", page=3).total == 0
    assert engine.search("", date_from=datetime(2021, 1, 1).date(), per_page=2).num_pages == 2
    assert timedelta(0) <= page.hits[0].published_at - datetime(2021, 4, 1, tzinfo=VN)


def test_demo_loader_articles_are_indexed_by_the_publish_signal(client, settings, tmp_path):
    from skhcn.portal.demo.loader import load_demo
    from skhcn.portal.models import ArticlePage

    settings.MEDIA_ROOT = tmp_path
    result = load_demo()
    assert ArticleSearchEntry.objects.count() == ArticlePage.objects.live().count() > 20
    html = _get(client, q="dan van kheo")[1]
    assert _titles(html)[0] == escape(result["seed"].title)
    assert escape(result["seed"].title) in _titles(_get(client, q="che xanh thi ngan")[1])
    caption = next(block.value["caption"] for block in result["seed"].body if block.block_type == "image")
    assert caption in ArticleSearchEntry.objects.get(article_id=result["seed"].id).body_text
