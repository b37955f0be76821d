"""Task pages (account, dossiers) use the whole width, without the news sidebar; news pages keep it."""

import pytest

from .factories import ApplicantFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/tai-khoan/dang-nhap/", "/tai-khoan/dang-ky/", "/dich-vu-cong/tra-cuu/"])
def test_task_pages_have_no_news_sidebar(client, site_tree, path):
    html = client.get(path).content.decode()
    assert 'class="wrap layout layout--task"' in html
    assert 'class="sidebar"' not in html


def test_signed_in_task_pages_too(client, site_tree):
    client.force_login(ApplicantFactory())
    for path in ("/tai-khoan/", "/dich-vu-cong/ho-so-cua-toi/", "/tai-khoan/thong-bao/"):
        html = client.get(path).content.decode()
        assert 'class="sidebar"' not in html and "layout--task" in html, path


def test_news_pages_keep_the_sidebar(client, site_tree):
    html = client.get("/").content.decode()
    assert 'class="sidebar"' in html and "layout--task" not in html
