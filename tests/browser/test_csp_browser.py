"""The Content-Security-Policy blocks nothing the site itself needs: the main public, citizen and staff pages load in
Debian's chromium without a single CSP violation (console message or ``securitypolicyviolation`` event).

Runs through Playwright; ``make test-browser`` runs it.
"""

import pytest
from django.conf import settings
from django.test import Client

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
TIMEOUT_MS = 15_000
DESKTOP = {"width": 1280, "height": 900}
# Recorded before any page script runs (Playwright's init scripts are not subject to the page's policy).
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI || "inline"}`
    + ` at ${event.sourceFile || ""}:${event.lineNumber || ""}`);
});
"""


@pytest.fixture
def site(tmp_path, monkeypatch, settings, live_server):
    """The demo content, a film with a YouTube player, a submitted dossier, an administrator and its applicant."""
    import io

    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command

    import skhcn.accounts.demo as accounts_demo
    from skhcn.accounts.tests.factories import ApplicantFactory
    from skhcn.dossiers.constants import ReceiveMethod
    from skhcn.dossiers.intake import services
    from skhcn.procedures.models import Procedure
    from skhcn.registries.tests.factories import FilmFactory

    monkeypatch.setattr(accounts_demo, "LOGINS_FILE", tmp_path / "logins.txt")
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    call_command("load_demo", stdout=io.StringIO())
    film = FilmFactory(embed_url="https://www.youtube.com/watch?v=dQw4w9WgXcQ", is_public=True)

    procedure = next(p for p in Procedure.objects.all() if p.accepts_online and p.documents.exists())
    applicant = ApplicantFactory()
    dossier = services.start_draft(applicant, procedure)
    for document in procedure.documents.filter(mandatory=True):
        upload = SimpleUploadedFile("tai-lieu.pdf", small_pdf(), "application/pdf")
        services.attach_file(dossier, document, upload, actor=applicant)
    services.update_details(dossier, receive_method=ReceiveMethod.ONLINE, postal_address="", note="", actor=applicant)
    dossier = services.submit_dossier(dossier, applicant)
    draft = services.start_draft(applicant, procedure)
    admin = get_user_model().objects.create_superuser("quantri.csp", "quantri.csp@example.vn", "mat-khau-dai-123")
    return {
        "film": film,
        "procedure": procedure,
        "dossier": dossier,
        "draft": draft,
        "applicant": applicant,
        "admin": admin,
    }


def small_pdf() -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(0, 10, "Tai lieu")
    return bytes(pdf.output())


def logged_in_page(browser, live_server, user=None):
    context = browser.new_context(locale="vi-VN", viewport=DESKTOP)
    context.set_default_timeout(TIMEOUT_MS)
    context.add_init_script(RECORD_VIOLATIONS)
    if user is not None:
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
        context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])
    page = context.new_page()
    console = []
    page.on("console", lambda message: console.append(message.text))
    return page, console


def violations(page, console, url) -> list[str]:
    response = page.goto(url)
    expected = 404 if "khong-ton-tai" in url else 200
    assert (response.status, page.url) == (expected, url), "the page itself, not an error or a login redirect"
    page.wait_for_load_state("load")
    page.wait_for_timeout(300)  # scripts that run after load (Wagtail's editor, lazy frames)
    found = [text for text in console if "Content Security Policy" in text] + page.evaluate("window.__cspViolations")
    console.clear()
    return found


def test_public_and_citizen_pages_load_without_csp_violations(live_server, browser, site):
    from skhcn.core.pages import page_url
    from skhcn.portal.models import ArticlePage, CategoryPage

    article = ArticlePage.objects.live().first()
    category = CategoryPage.objects.live().first()
    urls = [
        "/",
        page_url(article),
        page_url(category),
        "/tim-kiem/?q=khoa+hoc",
        "/thong-ke/",
        "/thu-tuc-hanh-chinh/",
        f"/thu-tuc-hanh-chinh/{site['procedure'].code}/",
        "/dich-vu-cong/tra-cuu/",
        "/tai-khoan/dang-nhap/",
        "/du-lieu-khcn/",
        "/du-lieu-khcn/phim/",
        site["film"].get_absolute_url(),
        "/trang-khong-ton-tai/",
    ]
    page, console = logged_in_page(browser, live_server)
    for url in urls:
        assert violations(page, console, live_server.url + url) == [], url
        assert page.evaluate("document.styleSheets.length") >= 1, url  # the stylesheet was not blocked
    # Twice: the second one comes from the page cache.
    assert violations(page, console, live_server.url + page_url(article)) == []

    page, console = logged_in_page(browser, live_server, site["applicant"])
    for url in (
        "/dich-vu-cong/ho-so-cua-toi/",
        f"/dich-vu-cong/ho-so/{site['draft'].pk}/",
        "/tai-khoan/",
        "/tai-khoan/thong-bao/",
    ):
        assert violations(page, console, live_server.url + url) == [], url


def test_staff_pages_load_without_csp_violations(live_server, browser, site):
    from skhcn.core.pages import page_url
    from skhcn.portal.models import ArticlePage

    article = ArticlePage.objects.live().first()
    page, console = logged_in_page(browser, live_server)
    assert violations(page, console, live_server.url + "/admin/login/") == []

    page, console = logged_in_page(browser, live_server, site["admin"])
    for url in (
        "/admin/",
        f"/admin/pages/{article.pk}/edit/",
        f"/admin/pages/{article.get_parent().pk}/",
        f"/admin/ho-so/{site['dossier'].pk}/",
        "/admin/ho-so/",
        "/admin/images/",
        page_url(article),  # the public page with Wagtail's user bar for staff
    ):
        assert violations(page, console, live_server.url + url) == [], url
    # The editor's scripts ran: the rich-text fields became Draftail editors.
    page.goto(live_server.url + f"/admin/pages/{article.pk}/edit/")
    page.locator(".Draftail-Editor").first.wait_for()
    assert page.evaluate("window.__cspViolations") == []
