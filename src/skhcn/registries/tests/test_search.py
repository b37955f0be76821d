"""The registries' search with the synonym table (both ways, whole words) and titles first, in the public lists, the
site search's groups and the admin lists."""

import pytest

from skhcn.core.text import fold
from skhcn.registries import services
from skhcn.registries.models import Publication, ScienceTask
from skhcn.registries.tests.factories import EnterpriseFactory, IPFactory, PublicationFactory, TaskFactory
from skhcn.search.tests.factories import SynonymFactory, seed_synonyms

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _table():
    seed_synonyms()


def _titles(query: str) -> list[str]:
    records = services.titles_first(services.apply_search(ScienceTask.objects.all(), query), query)
    return [task.title for task in records]


def test_abbreviation_and_long_form_find_each_other():
    short = TaskFactory(title="Ứng dụng tiến bộ KH&CN trong sản xuất chè", host_organisation="Trung tâm giống")
    long = TaskFactory(title="Chuyển giao công nghệ nuôi cá", host_organisation="Sở Khoa học và Công nghệ")
    assert set(_titles("khoa học và công nghệ")) == {short.title, long.title}
    assert set(_titles("khoa hoc va cong nghe")) == {short.title, long.title}
    assert set(_titles("KHCN")) == {short.title, long.title}
    assert _titles("CGCN nuoi ca") == [long.title]
    assert _titles("san xuat che") == [short.title]
    assert _titles("SX chè") == [short.title]


def test_titles_come_first():
    in_objectives = TaskFactory(title="Đánh giá giống lúa", objectives="Đăng ký bảo hộ quyền SHTT cho giống lúa mới")
    in_title = TaskFactory(title="Xác lập quyền sở hữu trí tuệ cho sản phẩm OCOP")
    assert _titles("so huu tri tue") == [in_title.title, in_objectives.title]
    assert _titles("SHTT") == [in_title.title, in_objectives.title]


def test_public_lists_use_the_table_and_put_titles_first(client):
    EnterpriseFactory(name="Công ty TNHH Nông sản sạch", products="Chè xanh được cấp GCN VietGAP")
    EnterpriseFactory(name="Doanh nghiệp được cấp Giấy chứng nhận doanh nghiệp KH&CN", products="Phân bón")
    html = client.get("/du-lieu-khcn/doanh-nghiep/", {"q": "gcn"}).content.decode()
    assert html.index("Doanh nghiệp được cấp Giấy chứng nhận") < html.index("Công ty TNHH Nông sản sạch")
    IPFactory(name="Nhãn hiệu tập thể Quýt Trà Lĩnh", description="Hỗ trợ xác lập quyền SHCN")
    html = client.get("/du-lieu-khcn/so-huu-tri-tue/", {"q": "so huu cong nghiep"}).content.decode()
    assert "Nhãn hiệu tập thể Quýt Trà Lĩnh" in html


def test_publications_are_found_by_the_text_of_their_pdf_through_the_table():
    publication = PublicationFactory(title="Kỷ yếu hội thảo 2022")
    Publication.objects.filter(pk=publication.pk).update(pdf_search="bao cao ket qua nc ve giong lua")
    found = services.apply_search(Publication.objects.all(), "nghien cuu giong lua", ("pdf_search",))
    assert list(found) == [publication]


def test_site_search_group_puts_titles_first(client, site_tree):
    SynonymFactory(term="ĐMST", expansion="Đổi mới sáng tạo")
    TaskFactory(title="Hỗ trợ khởi nghiệp", objectives="Phát triển hệ sinh thái ĐMST của tỉnh")
    TaskFactory(title="Đổi mới sáng tạo trong nông nghiệp")
    html = client.get("/tim-kiem/", {"q": "dmst"}).content.decode()
    assert html.index("Đổi mới sáng tạo trong nông nghiệp") < html.index("Hỗ trợ khởi nghiệp")


def test_pdf_excerpt_around_a_form_of_the_table(client):
    publication = PublicationFactory(title="Kỷ yếu hội thảo 2023")
    text = "Mở đầu. " + "Nội dung chung. " * 20 + "Báo cáo kết quả NC về cây dược liệu."
    Publication.objects.filter(pk=publication.pk).update(pdf_text=text, pdf_search=fold(text))
    html = client.get("/du-lieu-khcn/an-pham/", {"q": "nghien cuu"}).content.decode()
    assert "Kỷ yếu hội thảo 2023" in html and "kết quả NC về cây dược liệu" in html
