"""Citizen pages: details found by the end-to-end browser test (tests/browser/test_dossier_browser.py)."""

import pytest
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from skhcn.accounts.tests.factories import ApplicantFactory
from skhcn.dossiers.constants import Messages, ReceiveMethod
from skhcn.dossiers.intake import services
from skhcn.dossiers.models import Dossier

from .factories import pdf_upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def applicant():
    return ApplicantFactory(profile__phone="0912 345 678", profile__id_number="001203004567")


@pytest.fixture
def logged_in(client, applicant):
    client.force_login(applicant)
    return client


@pytest.fixture
def draft(procedure, applicant):
    return services.start_draft(applicant, procedure)


def test_receipt_button_downloads_the_pdf(logged_in, draft, documents):
    """The button says "Tải" (download): a PDF served inline would open in the browser's viewer instead."""
    for document in documents[:2]:
        services.attach_file(draft, document, pdf_upload())
    services.update_details(draft, receive_method=ReceiveMethod.ONLINE, postal_address="", note="")
    dossier = services.submit_dossier(draft, draft.applicant)
    page = logged_in.get(reverse("dossiers:edit", kwargs={"pk": dossier.pk}))
    receipt_url = reverse("dossiers:receipt", kwargs={"pk": dossier.pk})
    before = "Tải Thông báo tiếp nhận hồ sơ trực tuyến (PDF)"
    assertContains(page, f'<a class="button" href="{receipt_url}" download>{before}</a>', html=True)


def test_receipt_button_names_form_01_once_received(logged_in, draft, documents):
    """Before staff accept the dossier the applicant downloads the acknowledgement of the online submission; after,
    form 01 — the button names the paper it downloads."""
    for document in documents[:2]:
        services.attach_file(draft, document, pdf_upload())
    services.update_details(draft, receive_method=ReceiveMethod.ONLINE, postal_address="", note="")
    dossier = services.submit_dossier(draft, draft.applicant)
    Dossier.objects.filter(pk=dossier.pk).update(received_at=timezone.now())
    page = logged_in.get(reverse("dossiers:edit", kwargs={"pk": dossier.pk}))
    assertContains(page, "Tải Giấy tiếp nhận hồ sơ và hẹn trả kết quả (PDF)")
    assertNotContains(page, "Thông báo tiếp nhận hồ sơ trực tuyến")
    mine = logged_in.get(reverse("dossiers:mine"))
    assertContains(mine, "Giấy tiếp nhận hồ sơ và hẹn trả kết quả")


def test_upload_forms_return_to_their_document(logged_in, draft, documents):
    """After a refused upload (a full page load) the browser scrolls to the document with the error, not the top."""
    page = logged_in.get(reverse("dossiers:edit", kwargs={"pk": draft.pk}))
    upload_url = reverse("dossiers:upload", kwargs={"pk": draft.pk})
    for key in [document.pk for document in documents] + ["khac"]:
        assertContains(page, f'action="{upload_url}#tp-{key}"')
        assertContains(page, f'id="tp-{key}"')

    response = logged_in.post(upload_url, {"document": documents[0].pk})
    assert response.status_code == 400
    assertContains(
        response,
        f'<p class="form-error" id="tep-{documents[0].pk}-error" role="alert">{Messages.NO_FILE}</p>',
        status_code=400,
        html=True,
    )


def test_details_form_returns_to_its_section(logged_in, draft):
    page = logged_in.get(reverse("dossiers:edit", kwargs={"pk": draft.pk}))
    edit_url = reverse("dossiers:edit", kwargs={"pk": draft.pk})
    assertContains(page, f'action="{edit_url}#thong-tin"')
    assertContains(page, 'id="thong-tin"')
