"""The site search also lists matching procedures and S&T records (accent-insensitive), on its first page only."""

from skhcn.procedures.tests.factories import ProcedureFactory
from skhcn.registries.tests.factories import IPFactory, TaskFactory


def test_procedures_and_records_are_found_without_diacritics(client, site_tree):
    ProcedureFactory(name="Cấp Giấy chứng nhận doanh nghiệp khoa học và công nghệ")
    TaskFactory(title="Xây dựng mô hình trồng chè xanh tại xã Thị Ngân")
    IPFactory(name="Quýt Trà Lĩnh")
    html = client.get("/tim-kiem/", {"q": "che xanh thi ngan"}).content.decode()
    assert "Trong thủ tục hành chính và dữ liệu khoa học và công nghệ" in html
    assert "Xây dựng mô hình trồng chè xanh tại xã Thị Ngân" in html
    assert "Quýt Trà Lĩnh" not in html
    html = client.get("/tim-kiem/", {"q": "giay chung nhan doanh nghiep"}).content.decode()
    assert "Thủ tục hành chính (1)" in html and "doanh nghiệp khoa học và công nghệ" in html
    html = client.get("/tim-kiem/", {"q": "QUYT TRA LINH"}).content.decode()
    assert "Quýt Trà Lĩnh" in html


def test_hidden_records_and_other_pages_show_nothing_else(client, site_tree):
    TaskFactory(title="Nghiên cứu giống lúa mới", is_public=False)
    html = client.get("/tim-kiem/", {"q": "giong lua"}).content.decode()
    assert "Nghiên cứu giống lúa mới" not in html and "search-elsewhere" not in html
    TaskFactory(title="Nghiên cứu giống ngô mới")
    assert (
        "search-elsewhere" not in client.get("/tim-kiem/", {"q": "giong ngo", "tu_ngay": "01/01/2020"}).content.decode()
    )


def test_more_than_five_link_to_the_full_list(client, site_tree):
    for number in range(7):
        TaskFactory(title=f"Ứng dụng công nghệ sinh học trong chăn nuôi {number}")
    html = client.get("/tim-kiem/", {"q": "chan nuoi"}).content.decode()
    assert "(7)" in html and html.count("Ứng dụng công nghệ sinh học trong chăn nuôi") == 5
    assert 'href="/du-lieu-khcn/nhiem-vu/?q=chan+nuoi"' in html
