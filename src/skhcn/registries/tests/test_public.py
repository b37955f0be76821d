"""Public pages of the six registries: lists, filters, folded search, detail, RSS, totals, sidebar, caching."""

from datetime import date
from xml.etree import ElementTree

import pytest
from django.core.files.base import ContentFile

from skhcn.registries import constants as c
from skhcn.registries.tests.factories import (
    EnterpriseFactory,
    FilmFactory,
    IPFactory,
    PublicationFactory,
    SupportGrantFactory,
    TaskArticleLinkFactory,
    TaskFactory,
    TaskReportFactory,
)

pytestmark = pytest.mark.django_db

DEMO = "Dữ liệu mẫu, không phải thông tin chính thức"


def text(response) -> str:
    return response.content.decode()


# --- tasks ------------------------------------------------------------------------------------------------------


@pytest.fixture
def tasks():
    tea = TaskFactory(
        code="DA.2016-01",
        kind=c.TaskKind.PROJECT,
        title="Xây dựng mô hình trồng và chế biến chè xanh chất lượng cao tại xã Thị Ngân",
        level=c.TaskLevel.PROVINCIAL,
        field=c.ScienceField.AGRICULTURAL,
        start_date=date(2016, 3, 1),
        end_date=date(2018, 12, 31),
        status=c.TaskStatus.ACCEPTED,
        acceptance_date=date(2019, 6, 15),
        host_organisation="Trung tâm Ứng dụng tiến bộ KH&CN Cao Bằng",
    )
    drug = TaskFactory(
        code="DT.2023-05",
        title="Đánh giá dược liệu đặc hữu của tỉnh",
        level=c.TaskLevel.NATIONAL,
        field=c.ScienceField.MEDICAL,
        start_date=date(2023, 1, 1),
        status=c.TaskStatus.IN_PROGRESS,
    )
    hidden = TaskFactory(code="DT.AN", title="Nhiệm vụ chưa công khai về chè", is_public=False)
    return {"tea": tea, "drug": drug, "hidden": hidden}


def test_task_list_search_is_accent_insensitive(client, tasks):
    for query in ("che xanh thi ngan", "CHÈ XANH", "Chè Xanh  Thị Ngân", "trung tam cao bang", "DA.2016"):
        page = text(client.get("/du-lieu-khcn/nhiem-vu/", {"q": query}))
        assert tasks["tea"].title in page, query
        assert tasks["drug"].title not in page
    assert "Nhiệm vụ chưa công khai" not in text(client.get("/du-lieu-khcn/nhiem-vu/", {"q": "che"}))


def test_task_list_filters(client, tasks):
    page = text(client.get("/du-lieu-khcn/nhiem-vu/", {"cap": "national"}))
    assert tasks["drug"].title in page and tasks["tea"].title not in page
    page = text(client.get("/du-lieu-khcn/nhiem-vu/", {"tinh_trang": "accepted", "loai": "project"}))
    assert tasks["tea"].title in page and tasks["drug"].title not in page
    page = text(client.get("/du-lieu-khcn/nhiem-vu/", {"nam": "2023"}))
    assert tasks["drug"].title in page and tasks["tea"].title not in page
    page = text(client.get("/du-lieu-khcn/nhiem-vu/", {"linh_vuc": "agricultural"}))
    assert tasks["tea"].title in page
    assert "Tìm thấy 1 nhiệm vụ" in page


def test_bad_filters_are_dropped_with_a_vietnamese_notice(client, tasks):
    response = client.get("/du-lieu-khcn/nhiem-vu/", {"cap": "vu-tru", "nam": "1800", "page": "abc"})
    assert response.status_code == 400
    page = text(response)
    assert "Lựa chọn “Cấp quản lý” không hợp lệ" in page
    assert "Lựa chọn “Năm bắt đầu” không hợp lệ" in page
    assert "Số trang không hợp lệ" in page
    assert tasks["tea"].title in page and tasks["drug"].title in page
    response = client.get("/du-lieu-khcn/nhiem-vu/", {"q": "x" * 201})
    assert response.status_code == 400 and "Từ khóa quá dài" in text(response)
    response = client.get("/du-lieu-khcn/nhiem-vu/", {"q": "chè\x00<script>"})
    assert response.status_code == 200
    assert "<script>" not in text(response).split("<main", 1)[1].split("</main>")[0].replace("&lt;script&gt;", "")


def test_task_detail_shows_everything(client, tasks, site_tree):
    from skhcn.portal.tests.factories import ArticlePageFactory

    tea = tasks["tea"]
    tea.budget_state, tea.budget_other = 1_500_000_000, 370_000_000
    tea.results = "Vườn ươm 3 giống chè mới"
    tea.save()
    report = TaskReportFactory(task=tea, title="Báo cáo tổng hợp kết quả dự án")
    article = ArticlePageFactory(parent=site_tree["science"], title="Nghiệm thu dự án chè xanh Thị Ngân")
    TaskArticleLinkFactory(task=tea, page=article)
    response = client.get("/du-lieu-khcn/nhiem-vu/DA.2016-01/")
    assert response.status_code == 200
    page = text(response)
    for expected in (
        tea.title,
        "Dự án cấp tỉnh",
        "Khoa học nông nghiệp",
        "03/2016 – 12/2018",
        "Tổng 1.870.000.000 đồng",
        "Ngân sách nhà nước: 1.500.000.000 đồng",
        "Đã nghiệm thu",
        "nghiệm thu ngày 15/06/2019",
        "Vườn ướm" if False else "Vườn ươm 3 giống chè mới",
        "Báo cáo tổng hợp kết quả dự án",
        report.file.url,
        "Nghiệm thu dự án chè xanh Thị Ngân",
    ):
        assert expected in page, expected
    assert DEMO not in page


def test_unknown_or_hidden_records_are_a_vietnamese_404(client, tasks):
    for url in ("/du-lieu-khcn/nhiem-vu/KHONG-CO/", "/du-lieu-khcn/nhiem-vu/DT.AN/", f"/du-lieu-khcn/phim/{'x' * 60}/"):
        response = client.get(url)
        assert response.status_code == 404
        assert "Không tìm thấy" in text(response)


def test_demo_records_are_marked_everywhere(client):
    demo = TaskFactory(code="MAU-1", title="Nhiệm vụ trình diễn", is_demo=True)
    assert DEMO in text(client.get("/du-lieu-khcn/nhiem-vu/"))
    detail = text(client.get(demo.get_absolute_url()))
    assert DEMO in detail and 'name="robots" content="noindex"' in detail
    feed = text(client.get("/du-lieu-khcn/rss/nhiem-vu/"))
    assert f"[{DEMO}] Nhiệm vụ trình diễn" in feed


def test_pagination(client):
    for number in range(23):
        TaskFactory(code=f"P-{number:02d}", title=f"Nhiệm vụ phân trang {number}")
    first = text(client.get("/du-lieu-khcn/nhiem-vu/"))
    assert "Trang 1 / 2" in first and 'rel="next"' in first
    response = client.get("/du-lieu-khcn/nhiem-vu/", {"page": "9"})
    assert "Không có trang 9, đang hiện trang cuối (2)" in text(response)


# --- other registries -------------------------------------------------------------------------------------------


def test_enterprise_list_and_detail(client):
    enterprise = EnterpriseFactory(
        name="Công ty TNHH Công nghệ sinh học Ngân Hà",
        tax_code="4800123456",
        certificate_number="01/2020/DNKHCN",
        certificate_date=date(2020, 8, 12),
        products="Chế phẩm sinh học xử lý môi trường\nNấm đông trùng hạ thảo",
    )
    EnterpriseFactory(name="Công ty cổ phần Khác", status=c.EnterpriseStatus.REVOKED)
    page = text(client.get("/du-lieu-khcn/doanh-nghiep/", {"q": "ngan ha dong trung"}))
    assert enterprise.name in page and "Công ty cổ phần Khác" not in page
    assert "ngày 12/08/2020" in page
    page = text(client.get("/du-lieu-khcn/doanh-nghiep/", {"tinh_trang": "revoked"}))
    assert "Công ty cổ phần Khác" in page and enterprise.name not in page
    detail = text(client.get(enterprise.get_absolute_url()))
    assert "Số 01/2020/DNKHCN, cấp ngày 12/08/2020" in detail
    assert "<li>Nấm đông trùng hạ thảo</li>" in detail


def test_ip_list_and_detail(client):
    quyt = IPFactory(
        name="Quýt Trà Lĩnh",
        product="Quýt",
        ip_type=c.IPType.COLLECTIVE_MARK,
        status=c.IPStatus.PROTECTED,
        protection_number="123456",
        protection_date=date(2019, 1, 2),
    )
    truc = IPFactory(name="Cao Bằng", product="Trúc sào", ip_type=c.IPType.GEOGRAPHICAL_INDICATION)
    page = text(client.get("/du-lieu-khcn/so-huu-tri-tue/", {"q": "quyt tra linh"}))
    assert "Quýt Trà Lĩnh" in page and "Trúc sào" not in page
    page = text(client.get("/du-lieu-khcn/so-huu-tri-tue/", {"loai": "geographical"}))
    assert "Trúc sào" in page and "Quýt Trà Lĩnh" not in page
    detail = text(client.get(quyt.get_absolute_url()))
    assert "Nhãn hiệu tập thể “Quýt Trà Lĩnh”" in detail and "Số 123456, cấp ngày 02/01/2019" in detail
    assert "Chưa ghi số văn bằng" in text(client.get(truc.get_absolute_url()))


def test_support_list_totals_and_detail(client):
    for name, amount in [("DN A", 100_000_000), ("DN B", 70_000_000), ("DN C", 200_000_000)]:
        SupportGrantFactory(beneficiary=name, amount=amount, year=2020)
    SupportGrantFactory(
        beneficiary="Nhóm 2 DN", beneficiary_count=2, amount=0, year=2020, programme=c.Programme.PRODUCTIVITY_QUALITY
    )
    SupportGrantFactory(
        beneficiary="Công ty TNHH Giang Hiền",
        programme=c.Programme.TECHNOLOGY_INNOVATION,
        amount=300_000_000,
        year=2019,
    )
    totals = text(client.get("/du-lieu-khcn/tong-hop-ho-tro/"))
    assert "05 đơn vị, 370 triệu đồng" in totals
    assert "01 đơn vị, 300 triệu đồng" in totals
    assert "06 đơn vị, 670 triệu đồng" in totals  # all programmes, all years
    filtered = text(client.get("/du-lieu-khcn/tong-hop-ho-tro/", {"nam": "2019"}))
    assert "01 đơn vị, 300 triệu đồng" in filtered and "05 đơn vị" not in filtered
    page = text(client.get("/du-lieu-khcn/ho-tro/", {"chuong_trinh": "innovation"}))
    assert "Công ty TNHH Giang Hiền" in page and "DN A" not in page and "300 triệu đồng" in page
    grant = SupportGrantFactory(
        beneficiary="DN D", amount=38_000_000, year=2021, programme=c.Programme.IP_ESTABLISHMENT
    )
    detail = text(client.get(grant.get_absolute_url()))
    assert "38.000.000 đồng (38 triệu đồng)" in detail and "01 đơn vị, 38 triệu đồng" in detail


def test_publication_list_and_detail(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    yearbook = PublicationFactory(title="Kỷ yếu KH&CN Cao Bằng 2022", year=2022, issue="Tập 1")
    PublicationFactory(title="Sách hướng dẫn kỹ thuật trồng chè", kind=c.PublicationKind.PUBLICATION, year=2021)
    page = text(client.get("/du-lieu-khcn/an-pham/", {"loai": "yearbook"}))
    assert yearbook.title.replace("&", "&amp;") in page and "trồng chè" not in page
    assert "Chưa có tệp công khai" in text(client.get(yearbook.get_absolute_url()))


def test_film_list_detail_and_players(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    online = FilmFactory(title="Nuôi giun quế", embed_url="https://youtu.be/dQw4w9WgXcQ", duration=754)
    uploaded = FilmFactory(
        title="Chế phẩm hữu cơ vi sinh",
        embed_url="",
        video_file=ContentFile(b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 100, name="phim.mp4"),
        topic=c.FilmTopic.ENVIRONMENT,
    )
    page = text(client.get("/du-lieu-khcn/phim/", {"chu_de": "environment"}))
    assert "Chế phẩm hữu cơ vi sinh" in page and "Nuôi giun quế" not in page
    detail = text(client.get(online.get_absolute_url()))
    assert 'src="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"' in detail
    assert '<time datetime="PT12M34S">12:34</time>' in detail
    detail = text(client.get(uploaded.get_absolute_url()))
    assert "<video" in detail and uploaded.video_file.url in detail and 'type="video/mp4"' in detail


def test_index_lists_every_registry(client):
    TaskFactory()
    page = text(client.get("/du-lieu-khcn/"))
    for title in (
        "Thông tin nhiệm vụ khoa học và công nghệ",
        "Doanh nghiệp khoa học và công nghệ",
        "Kỷ yếu và ấn phẩm",
        "Phim phổ biến kiến thức",
    ):
        assert title in page
    assert "1 nhiệm vụ" in page


# --- RSS --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("slug", ["nhiem-vu", "doanh-nghiep", "so-huu-tri-tue", "ho-tro", "an-pham", "phim"])
def test_rss_of_new_entries(client, slug, settings):
    settings.WAGTAILADMIN_BASE_URL = "https://skhcn.example.gov.vn"
    for factory in (TaskFactory, EnterpriseFactory, IPFactory, SupportGrantFactory, PublicationFactory, FilmFactory):
        factory()
        factory(is_public=False)
    response = client.get(f"/du-lieu-khcn/rss/{slug}/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    channel = ElementTree.fromstring(response.content).find("channel")  # noqa: S314 - our own feed
    items = channel.findall("item")
    assert len(items) == 1  # the hidden record is not in the feed
    assert items[0].find("link").text.startswith(f"https://skhcn.example.gov.vn/du-lieu-khcn/{slug}/")
    assert "testserver" not in response.content.decode()
    assert items[0].find("pubDate").text


# --- caching and the sidebar ------------------------------------------------------------------------------------


def test_cached_pages_show_new_records_at_once(client, settings, django_capture_on_commit_callbacks):
    """Lists and detail pages go into the anonymous page cache; a save bumps the content generation."""
    settings.PAGE_CACHE_ENABLED = True
    task = TaskFactory(title="Nhiệm vụ ban đầu")
    assert client.get("/du-lieu-khcn/nhiem-vu/")["X-Cache"] == "MISS"
    assert client.get("/du-lieu-khcn/nhiem-vu/")["X-Cache"] == "HIT"
    assert client.get(task.get_absolute_url())["X-Cache"] == "MISS"
    assert client.get("/du-lieu-khcn/nhiem-vu/", {"q": "ban dau"}).get("X-Cache") is None  # searches: never cached
    with django_capture_on_commit_callbacks(execute=True):
        task.title = "Nhiệm vụ đã sửa tên"
        task.save()
    assert "Nhiệm vụ đã sửa tên" in text(client.get("/du-lieu-khcn/nhiem-vu/"))
    assert "Nhiệm vụ đã sửa tên" in text(client.get(task.get_absolute_url()))
    with django_capture_on_commit_callbacks(execute=True):
        task.delete()
    assert client.get(task.get_absolute_url()).status_code == 404


def test_sidebar_blocks_list_registries_and_play_films(client, site_tree, settings, tmp_path):
    from skhcn.portal.constants import SidebarKind
    from skhcn.portal.models import SidebarBlock

    settings.MEDIA_ROOT = tmp_path
    TaskFactory(title="Nhiệm vụ mới nhất trong khối")
    FilmFactory(title="Phim trong khối bên phải", embed_url="https://youtu.be/dQw4w9WgXcQ")
    PublicationFactory(title="Kỷ yếu trong khối", kind=c.PublicationKind.YEARBOOK)
    PublicationFactory(title="Ấn phẩm xuất bản trong khối", kind=c.PublicationKind.PUBLICATION)
    SidebarBlock.objects.create(title="THÔNG TIN NHIỆM VỤ KH&CN", kind=SidebarKind.REG_TASKS, sort_order=1)
    SidebarBlock.objects.create(title="PHIM PHỔ BIẾN KIẾN THỨC KH&CN", kind=SidebarKind.REG_FILMS, sort_order=2)
    SidebarBlock.objects.create(title="KỶ YẾU KH&CN", kind=SidebarKind.REG_YEARBOOKS, sort_order=3)
    SidebarBlock.objects.create(title="CÔNG TÁC XUẤT BẢN", kind=SidebarKind.REG_PUBLICATIONS, sort_order=4)
    page = text(client.get("/"))
    sidebar = page.split('<aside class="sidebar"', 1)[1]
    assert "Nhiệm vụ mới nhất trong khối" in sidebar
    assert "youtube-nocookie.com/embed/dQw4w9WgXcQ" in sidebar
    yearbooks = sidebar.split("KỶ YẾU KH&amp;CN", 1)[1].split("CÔNG TÁC XUẤT BẢN", 1)[0]
    assert "Kỷ yếu trong khối" in yearbooks and "Ấn phẩm xuất bản trong khối" not in yearbooks
    assert "/du-lieu-khcn/an-pham/?loai=yearbook" in yearbooks
