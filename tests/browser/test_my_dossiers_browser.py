"""'Hồ sơ của tôi' on a 390 px phone: no sideways scrolling, every way to continue is on screen and clickable, and
the header names the signed-in citizen and signs them out.

Runs in Debian's chromium through Playwright (`make test-browser`).
"""

from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# For people to look at (git-ignored).
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
LONG_NAME = "Cấp Giấy chứng nhận đăng ký hoạt động của tổ chức khoa học và công nghệ có tên rất dài để thử màn hình hẹp"

# For each link of the table: is its centre inside the viewport, and is the element there the link itself?
LINK_REACHABLE = """
(link) => {
  link.scrollIntoView({block: "center"});
  const box = link.getBoundingClientRect();
  const x = box.left + box.width / 2, y = box.top + box.height / 2;
  const inside = box.width > 0 && box.left >= 0 && box.right <= window.innerWidth;
  const hit = document.elementFromPoint(x, y);
  return {inside, hit: !!hit && (hit === link || link.contains(hit)), text: link.textContent.trim()};
}
"""


@pytest.fixture
def applicant_with_dossiers(db):
    from skhcn.accounts.tests.factories import ApplicantFactory
    from skhcn.dossiers.constants import Status
    from skhcn.dossiers.tests.factories import DossierFactory
    from skhcn.procedures.tests.factories import ProcedureFactory

    applicant = ApplicantFactory()
    procedure = ProcedureFactory(name=LONG_NAME)
    DossierFactory(applicant=applicant, procedure=procedure)
    DossierFactory(applicant=applicant, procedure=procedure, status=Status.SUBMITTED, code="000.00.00.H11-261204-00001")
    return applicant


def test_my_dossiers_fit_a_phone(live_server, browser_page, site_tree, applicant_with_dossiers):
    from skhcn.accounts.tests.factories import PASSWORD

    page = browser_page
    page.goto(f"{live_server.url}/tai-khoan/dang-nhap/?next=/dich-vu-cong/ho-so-cua-toi/")
    page.fill("#id_username", applicant_with_dossiers.email)
    page.fill("#id_password", PASSWORD)
    page.press("#id_password", "Enter")
    page.wait_for_url("**/dich-vu-cong/ho-so-cua-toi/")

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "ho-so-cua-toi-390.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    links = page.locator("table.dv-table a")
    texts = []
    for index in range(links.count()):
        result = links.nth(index).evaluate(LINK_REACHABLE)
        assert result["inside"] and result["hit"], result
        texts.append(result["text"])
    assert any(text.startswith("Tiếp tục") for text in texts)
    assert any(text.startswith("Xem hồ sơ") for text in texts)
    # Each card names its columns, since the header row is hidden on a phone.
    assert page.locator("td[data-label='Thao tác']").count() == 2
    # The header says who is signed in and offers to sign out, on screen.
    assert page.locator(".header-account").inner_text().endswith(applicant_with_dossiers.applicant_profile.full_name)
    logout = page.locator("button.header-logout").evaluate(LINK_REACHABLE)
    assert logout["inside"] and logout["hit"], logout
    page.locator("button.header-logout").click()
    page.wait_for_load_state()
    assert page.locator(".header-account").inner_text() == "Tài khoản dịch vụ công"
