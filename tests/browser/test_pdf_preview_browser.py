"""Staff see uploaded PDFs in Chromium although the files are served with ``Content-Security-Policy: sandbox``
(under which Chromium's own PDF viewer refuses to run): the dossier page and the viewer page draw them with PDF.js.

Runs in Debian's chromium (/usr/bin/chromium) through Playwright; ``make test-browser`` runs it.
"""

import pytest

from skhcn.dossiers.tests.workflow_support import clock, world  # noqa: F401 - fixtures

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
TIMEOUT_MS = 15_000
DESKTOP = {"width": 1280, "height": 900}


def two_page_pdf() -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_font("helvetica", size=28)
    for text in ("Trang mot", "Trang hai"):
        pdf.add_page()
        pdf.cell(text=text)
    return bytes(pdf.output())


def signed_in_page(browser, live_server, user):
    """A page whose session is the user's (two-factor sign-in is covered by test_staff_browser)."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    context = browser.new_context(locale="vi-VN", viewport=DESKTOP)
    context.set_default_timeout(TIMEOUT_MS)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    return context.new_page()


INKED_PIXELS = """canvas => {
    const data = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
    let inked = 0;
    for (let i = 0; i < data.length; i += 4) if (data[i + 3] > 0 && data[i] < 128) inked += 1;
    return inked;
}"""


def test_staff_see_sandboxed_pdfs_through_pdfjs(live_server, browser, world, settings, tmp_path):  # noqa: F811
    from django.core.files.base import ContentFile
    from django.urls import reverse
    from playwright.sync_api import expect

    from skhcn.dossiers.constants import Status
    from skhcn.dossiers.intake import services
    from skhcn.dossiers.models import DossierFile
    from skhcn.dossiers.tests.workflow_support import dossier_at

    settings.STAFF_2FA_REQUIRED = False
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}},
    }
    dossier = dossier_at(Status.RECEIVED, world)
    content = two_page_pdf()
    item = DossierFile.objects.create(
        dossier=dossier,
        document_name="Đơn đề nghị",
        stored_name=services.private_storage().save("dossiers/xem/don.pdf", ContentFile(content)),
        original_name="Đơn đề nghị.pdf",
        content_type="application/pdf",
        size=len(content),
        sha256="",
        removed_content=["javascript"],
    )
    page = signed_in_page(browser, live_server, world.one_stop)
    file_url = reverse("dossiers_staff:file", kwargs={"pk": dossier.pk, "file_id": item.pk})

    # The file itself is sandboxed and never sniffed.
    response = page.request.get(live_server.url + file_url)
    assert response.headers["content-security-policy"] == "sandbox"
    assert response.headers["x-content-type-options"] == "nosniff"

    # The viewer page draws both pages, with ink on them, and repeats the cleaning note.
    page.goto(live_server.url + reverse("dossiers_staff:file_viewer", kwargs={"pk": dossier.pk, "file_id": item.pk}))
    expect(page.locator("[data-pdf-status]")).to_have_text("Tệp có 2 trang.")
    expect(page.locator("main")).to_contain_text("Đã gỡ bỏ mã JavaScript khỏi tệp này khi tiếp nhận.")
    first = page.locator("canvas.pdf-page[data-page='1']")
    expect(first).to_have_attribute("data-rendered", "1")
    assert first.evaluate(INKED_PIXELS) > 100
    page.locator("canvas.pdf-page[data-page='2']").scroll_into_view_if_needed()
    expect(page.locator("canvas.pdf-page[data-page='2']")).to_have_attribute("data-rendered", "1")

    # The dossier page's preview starts when opened.
    page.goto(live_server.url + reverse("dossiers_staff:detail", kwargs={"pk": dossier.pk}))
    preview = page.locator(f"[data-pdf-preview][data-src='{file_url}']")
    expect(preview.locator("canvas")).to_have_count(0)
    page.get_by_text("Xem trước").first.click()
    expect(preview.locator("canvas.pdf-page[data-page='1']")).to_have_attribute("data-rendered", "1")
    assert preview.locator("canvas.pdf-page[data-page='1']").evaluate(INKED_PIXELS) > 100
