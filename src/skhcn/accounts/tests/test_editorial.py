"""Editors write, approvers publish; editors only reach their own category (Wagtail admin, in Vietnamese)."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from wagtail.models import Page, Workflow
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from skhcn.accounts.demo import EDITOR_GROUP, ensure_demo_users
from skhcn.portal.models import ArticlePage

pytestmark = pytest.mark.django_db


@pytest.fixture
def accounts(site_tree, settings, tmp_path):
    import skhcn.accounts.demo as demo

    demo.LOGINS_FILE = tmp_path / "logins.txt"
    lines = ensure_demo_users()
    User = get_user_model()
    return {"lines": lines, **{name: User.objects.get(username=name) for name in ("admin", "editor", "approver")}}


def _article_form(title, action=None):
    data = nested_form_data(
        {
            "title": title,
            "slug": "",
            "published_at": "",
            "lead": "Tóm tắt",
            "body": streamfield([("paragraph", rich_text("<p>Nội dung bài.</p>"))]),
            "author_name": "HK",
            "source": "",
            "tags": "",
            "related_links": inline_formset([]),
            "comments": inline_formset([]),
        }
    )
    if action:
        data[action] = "1"
    return data


def test_demo_logins_are_generated_once_and_printed(accounts, tmp_path):
    assert any("editor" in line and "mật khẩu" in line for line in accounts["lines"])
    again = ensure_demo_users()
    assert again == accounts["lines"]
    assert get_user_model().objects.count() == 9  # four accounts and five staff of the one-stop process
    assert accounts["editor"].groups.filter(name=EDITOR_GROUP).exists()


def test_admin_speaks_vietnamese(client, accounts):
    client.force_login(accounts["editor"])
    html = client.get("/admin/").content.decode()
    assert 'lang="vi"' in html
    assert "Trang" in html


def test_editor_submits_and_approver_publishes(client, site_tree, accounts):
    science = site_tree["science"]
    client.force_login(accounts["editor"])
    response = client.post(
        f"/admin/pages/add/portal/articlepage/{science.id}/",
        _article_form("Tin của biên tập viên", action="action-submit"),
    )
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    article = ArticlePage.objects.get(title="Tin của biên tập viên")
    assert article.slug == "tin-cua-bien-tap-vien"
    assert not article.live
    assert article.current_workflow_state is not None
    public_url = f"/tin-tuc-su-kien/khoa-hoc-cong-nghe/{article.slug}/"
    assert Client().get(public_url).status_code == 404

    # The editor cannot publish by themselves.
    client.post(f"/admin/pages/{article.id}/edit/", _article_form("Tin của biên tập viên", "action-publish"))
    article.refresh_from_db()
    assert not article.live

    client.force_login(accounts["approver"])
    approve = client.post(
        f"/admin/pages/{article.id}/edit/",
        {**_article_form("Tin của biên tập viên"), "action-workflow-action": "true", "workflow-action-name": "approve"},
    )
    assert approve.status_code in (200, 302)
    article.refresh_from_db()
    assert article.live
    assert Client().get(public_url).status_code == 200


def test_editor_cannot_add_pages_outside_their_category(client, site_tree, accounts):
    client.force_login(accounts["editor"])
    response = client.get(f"/admin/pages/add/portal/articlepage/{site_tree['news'].id}/")
    assert response.status_code in (302, 403)
    assert client.get(f"/admin/pages/add/portal/articlepage/{site_tree['science'].id}/").status_code == 200


def test_the_default_workflow_applies_to_the_portal(site_tree):
    workflow = Workflow.objects.filter(active=True).first()
    assert workflow is not None
    assert site_tree["science"].get_workflow() == workflow
    assert Page.objects.filter(depth=1).exists()
