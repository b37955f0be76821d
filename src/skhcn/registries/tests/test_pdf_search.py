"""Full-text search inside uploaded PDFs: the text is read by a django-tasks task after the save commits."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from skhcn.registries import constants as c
from skhcn.registries.models import Publication
from skhcn.registries.tests.factories import PublicationFactory, pdf_bytes

pytestmark = pytest.mark.django_db

INSIDE = "Kết quả khảo nghiệm giống lúa Đông Khê trên đất dốc"


@pytest.fixture(autouse=True)
def immediate_tasks(settings, tmp_path):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def admin_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("quantri", "quantri@example.com", "mat-khau-dai-123")
    client.force_login(user)
    return client


def publication_form(file=None, **overrides):
    data = {
        "code": "KY-2022",
        "title": "Kỷ yếu hội thảo nông nghiệp 2022",
        "kind": "yearbook",
        "year": "2022",
        "issue": "",
        "authors": "",
        "publisher": "",
        "description": "",
        "is_public": "on",
        "source": "",
    }
    if file is not None:
        data["file"] = file
    data.update(overrides)
    return data


def test_uploaded_pdf_text_is_searchable_without_diacritics(admin_client, client, django_capture_on_commit_callbacks):
    upload = SimpleUploadedFile("ky-yeu.pdf", pdf_bytes("Lời giới thiệu", INSIDE))
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(reverse("registry_publications:add"), publication_form(upload))
    assert response.status_code == 302
    publication = Publication.objects.get(code="KY-2022")
    assert publication.text_status == c.TextStatus.DONE
    assert publication.page_count >= 1
    assert "khao nghiem giong lua dong khe" in publication.pdf_search
    page = Client().get("/du-lieu-khcn/an-pham/", {"q": "khao nghiem giong lua dong khe"}).content.decode()
    assert "Kỷ yếu hội thảo nông nghiệp 2022" in page
    assert "khảo nghiệm giống lúa Đông Khê" in page  # the excerpt keeps the diacritics
    assert "Tìm thấy 1 ấn phẩm" in page
    nothing = Client().get("/du-lieu-khcn/an-pham/", {"q": "khoai tay"}).content.decode()
    assert "Không tìm thấy ấn phẩm nào" in nothing


def test_a_new_file_replaces_the_text(admin_client, client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        publication = PublicationFactory(file=ContentFile(pdf_bytes("Cây hồi Cao Bằng"), name="a.pdf"))
    publication.refresh_from_db()
    assert "cay hoi" in publication.pdf_search
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("registry_publications:edit", args=[publication.pk]),
            publication_form(SimpleUploadedFile("b.pdf", pdf_bytes("Cây trúc sào")), code=publication.code),
        )
    assert response.status_code == 302
    publication.refresh_from_db()
    assert "truc sao" in publication.pdf_search and "cay hoi" not in publication.pdf_search
    found = Client().get("/du-lieu-khcn/an-pham/", {"q": "hoi cao bang"}).content.decode()
    assert publication.title not in found


def test_an_unreadable_pdf_keeps_the_record_and_says_so(django_capture_on_commit_callbacks):
    broken = b"%PDF-1.4\n" + b"\x00garbage" * 50
    with django_capture_on_commit_callbacks(execute=True):
        publication = PublicationFactory(file=ContentFile(broken, name="hong.pdf"))
    publication.refresh_from_db()
    assert publication.text_status == c.TextStatus.FAILED
    assert publication.pdf_search == ""


def test_a_file_that_is_not_a_pdf_is_refused(admin_client):
    fake = SimpleUploadedFile("ky-yeu.pdf", b"PK\x03\x04 not a pdf at all")
    response = admin_client.post(reverse("registry_publications:add"), publication_form(fake))
    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert not Publication.objects.exists()


def test_pending_until_the_worker_runs(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    publication = PublicationFactory(file=ContentFile(pdf_bytes("Chưa đọc"), name="c.pdf"))
    publication.refresh_from_db()
    assert publication.text_status == c.TextStatus.PENDING
