"""End-to-end (issue #7): a visitor finds an S&T task by typing its title without diacritics and opens its attached
report. Runs in Debian's chromium through Playwright (`make test-browser`), on a phone-sized screen, JavaScript on."""

import io

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Xây dựng mô hình trồng và chế biến chè xanh chất lượng cao tại xã Thị Ngân"
REPORT = "Báo cáo tổng hợp kết quả dự án"
REPORT_TEXT = "Vườn ươm nhân 3 giống chè mới: Kim Tuyên, Phúc Vân Tiên, PH8"


@pytest.fixture
def task(db, settings, tmp_path):
    from django.core.files.base import ContentFile

    from skhcn.registries import constants as c
    from skhcn.registries.tests.factories import TaskFactory, TaskReportFactory, pdf_bytes

    settings.MEDIA_ROOT = tmp_path
    TaskFactory(code="DT.2023-07", title="Đánh giá nguồn gen dược liệu đặc hữu")
    task = TaskFactory(code="DA.2016-01", title=TITLE, kind=c.TaskKind.PROJECT, status=c.TaskStatus.ACCEPTED)
    TaskReportFactory(task=task, title=REPORT, file=ContentFile(pdf_bytes(REPORT, REPORT_TEXT), name="bao-cao.pdf"))
    return task


def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    return " ".join(" ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages).split())


def test_find_a_task_without_diacritics_and_open_its_report(live_server, browser_page, site_tree, task):
    from playwright.sync_api import expect

    page = browser_page
    page.goto(live_server.url + "/du-lieu-khcn/")
    page.get_by_role("link", name="Thông tin nhiệm vụ khoa học và công nghệ", exact=True).click()
    page.wait_for_load_state()
    expect(page.locator("h1")).to_have_text("Thông tin nhiệm vụ khoa học và công nghệ")

    page.get_by_label("Từ khóa (tên, mã nhiệm vụ, tổ chức chủ trì, chủ nhiệm)").fill("che bien che xanh thi ngan")
    page.get_by_role("button", name="Tìm kiếm", exact=True).click()
    page.wait_for_load_state()
    expect(page.locator("#registry-count")).to_contain_text("Tìm thấy 1 nhiệm vụ cho “che bien che xanh thi ngan”")
    expect(page.get_by_text("Đánh giá nguồn gen dược liệu đặc hữu")).to_have_count(0)
    assert "q=che+bien+che+xanh+thi+ngan" in page.url

    page.get_by_role("link", name=TITLE).click()
    page.wait_for_load_state()
    expect(page.locator("h1")).to_have_text(TITLE)
    expect(page.locator(".procedure-facts")).to_contain_text("Đã nghiệm thu")

    report_link = page.get_by_role("link", name=REPORT, exact=True)
    expect(report_link).to_be_visible()
    href = report_link.get_attribute("href")
    assert href.startswith("/media/registries/bao-cao/DA.2016-01/")
    # Opening the report: chromium shows the PDF (or downloads it, depending on the build); either way the browser
    # receives the file from the link.
    with page.expect_response(lambda response: response.url.endswith(href)) as response_info:
        report_link.click()
    response = response_info.value
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    page.wait_for_load_state()
    assert page.url == live_server.url + href  # chromium's PDF viewer shows the report
    data = page.request.get(live_server.url + href).body()  # the viewer's own page hides the bytes: fetch them
    assert data.startswith(b"%PDF-")
    assert REPORT_TEXT in pdf_text(data)
