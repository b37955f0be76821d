import json

import pytest
from django.test import Client, override_settings

from skhcn.portal.tests.factories import ArticlePageFactory
from skhcn.ratings import services
from skhcn.ratings.constants import Messages
from skhcn.ratings.models import Vote

pytestmark = pytest.mark.django_db
JSON = {"HTTP_ACCEPT": "application/json"}


@pytest.fixture
def article(site_tree):
    return ArticlePageFactory(parent=site_tree["science"], title="Bài được đánh giá")


def _line(client, article):
    html = client.get(article.url).content.decode()
    start = html.index("Tổng số điểm")
    return html[start : html.index("</p>", start)]


def test_vote_without_javascript_redirects_back_with_message_and_updates_line(client, article):
    response = client.post(f"/danh-gia/{article.id}/", {"score": "4"})
    assert response.status_code == 303
    assert response["Location"] == article.url + "#danh-gia"
    page = client.get(article.url).content.decode()
    assert Messages.THANKS in page
    assert "Tổng số điểm của bài viết là: 4 trong 1 đánh giá" in page
    vote = Vote.objects.get()
    assert vote.score == 4 and len(vote.address_hash) == 64 and "127.0.0.1" not in vote.address_hash


def test_vote_with_javascript_gets_json_and_cached_page_shows_new_totals(article):
    first, second = Client(), Client()
    assert "0 trong 0" in _line(first, article)
    assert first.get(article.url)["X-Cache"] == "HIT"
    data = first.post(f"/danh-gia/{article.id}/", {"score": "5"}, **JSON).json()
    assert data["ok"] is True and data["line"] == "Tổng số điểm của bài viết là: 5 trong 1 đánh giá"
    data = second.post(f"/danh-gia/{article.id}/", {"score": "2"}, **JSON).json()
    assert data["points"] == 7 and data["votes"] == 2
    response = Client().get(article.url)
    assert response["X-Cache"] == "HIT"
    assert "Tổng số điểm của bài viết là: 7 trong 2 đánh giá" in response.content.decode()


def test_second_vote_of_the_same_visitor_is_refused_and_changes_nothing(client, article):
    client.post(f"/danh-gia/{article.id}/", {"score": "5"}, **JSON)
    response = client.post(f"/danh-gia/{article.id}/", {"score": "1"}, **JSON)
    assert response.status_code == 409
    assert response.json()["message"] == Messages.ALREADY_VOTED
    assert response.json()["line"].endswith("5 trong 1 đánh giá")
    assert Vote.objects.count() == 1


@pytest.mark.parametrize("score", ["0", "6", "-1", "abc", "", "3.5", "1e1", " 4x", "٣", "99999999999999999999"])
def test_bad_scores_are_refused_with_a_vietnamese_message(client, article, score):
    response = client.post(f"/danh-gia/{article.id}/", {"score": score}, **JSON)
    assert response.status_code == 400
    assert response.json()["message"] == Messages.BAD_SCORE
    redirect = client.post(f"/danh-gia/{article.id}/", {"score": score})
    assert redirect.status_code == 303
    assert Messages.BAD_SCORE in client.get(article.url).content.decode()
    assert Vote.objects.count() == 0


def test_missing_score_and_get_are_refused(client, article):
    assert client.post(f"/danh-gia/{article.id}/", {}, **JSON).status_code == 400
    assert client.get(f"/danh-gia/{article.id}/").status_code == 405
    assert Vote.objects.count() == 0


def test_vote_without_csrf_token_is_refused(article):
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(f"/danh-gia/{article.id}/", {"score": "5"})
    assert response.status_code == 403
    assert "mã bảo vệ" in response.content.decode()
    assert Vote.objects.count() == 0


def test_vote_with_csrf_token_from_a_cached_page_is_accepted(article):
    Client().get(article.url)  # fills the page cache
    visitor = Client(enforce_csrf_checks=True)
    page = visitor.get(article.url)
    assert page["X-Cache"] == "HIT"
    html = page.content.decode()
    token = html.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
    response = visitor.post(f"/danh-gia/{article.id}/", {"score": "3", "csrfmiddlewaretoken": token}, **JSON)
    assert response.status_code == 200, response.content


def test_votes_for_unknown_or_unpublished_articles_are_refused(client, site_tree):
    draft = ArticlePageFactory(parent=site_tree["science"], live=False)
    for article_id in (draft.id, 999999):
        response = client.post(f"/danh-gia/{article_id}/", {"score": "5"}, **JSON)
        assert response.status_code == 404
        assert client.post(f"/danh-gia/{article_id}/", {"score": "5"}).status_code == 404
    assert Vote.objects.count() == 0


@override_settings(RATING_MAX_VOTES_PER_ADDRESS_PER_DAY=2)
def test_flood_from_one_address_is_capped(article):
    codes = [Client().post(f"/danh-gia/{article.id}/", {"score": "5"}, **JSON).status_code for _ in range(4)]
    assert codes == [200, 200, 429, 429]
    assert Vote.objects.count() == 2


def test_voided_votes_leave_the_totals_and_stay_for_audit(client, article):
    for score in ("5", "1"):
        Client().post(f"/danh-gia/{article.id}/", {"score": score}, **JSON)
    abusive = Vote.objects.get(score=1)
    assert services.void_votes([abusive.id], "spam") == 1
    assert services.totals(article.id).line == "Tổng số điểm của bài viết là: 5 trong 1 đánh giá"
    assert Vote.objects.count() == 2
    assert Vote.objects.get(id=abusive.id).void_reason == "spam"


def test_admin_can_void_votes_from_the_vote_list(client, article, django_user_model):
    Client().post(f"/danh-gia/{article.id}/", {"score": "2"}, **JSON)
    admin = django_user_model.objects.create_superuser("boss", "b@example.invalid", "x-Very-long-1")
    client.force_login(admin)
    listing = client.get("/django-admin/ratings/vote/")
    assert listing.status_code == 200
    vote = Vote.objects.get()
    client.post("/django-admin/ratings/vote/", {"action": "void_selected", "_selected_action": [vote.id]})
    vote.refresh_from_db()
    assert vote.is_void


def test_json_body_is_valid_even_for_refusals(client, article):
    response = client.post(f"/danh-gia/{article.id}/", {"score": "<script>"}, **JSON)
    assert json.loads(response.content)["ok"] is False
