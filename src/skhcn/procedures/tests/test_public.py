import pytest
from django.urls import reverse

from skhcn.deadlines.constants import TimeUnit
from skhcn.procedures.constants import DataStatus, OnlineLevel
from skhcn.procedures.tests.factories import ProcedureFactory, ProcedureFieldFactory, RequiredDocumentFactory

pytestmark = pytest.mark.django_db

LIST_URL = "/thu-tuc-hanh-chinh/"
SAMPLE_NOTICE = "Dữ liệu mẫu, không phải thông tin chính thức"


@pytest.fixture
def catalogue():
    science = ProcedureFieldFactory(code="hdkhcn", name="Hoạt động khoa học và công nghệ")
    quality = ProcedureFieldFactory(code="tdc", name="Tiêu chuẩn, đo lường, chất lượng")
    return {
        "certificate": ProcedureFactory(
            code="1.014445.H38",
            name="Cấp Giấy chứng nhận doanh nghiệp khoa học và công nghệ",
            field=science,
            clock_waits_for_fee=True,
        ),
        "measure": ProcedureFactory(
            code="MAU-TDC-40",
            name="Điều chỉnh nội dung bản công bố sử dụng dấu định lượng",
            field=quality,
            online_level=OnlineLevel.PARTIAL,
            post_submission=False,
            post_return=False,
            processing_time=5,
            time_unit=TimeUnit.CALENDAR_DAYS,
            data_status=DataStatus.SAMPLE,
            fee_description="Phí thẩm định",
            fee_amount=150000,
        ),
        "return_only": ProcedureFactory(
            code="1.000001.H38", name="Đăng ký kết quả nhiệm vụ", field=science, post_submission=False
        ),
        "inactive": ProcedureFactory(code="1.000002.H38", name="Thủ tục đã bãi bỏ", field=science, is_active=False),
    }


def codes(response):
    return [procedure.code for procedure in response.context["procedures"]]


def test_url_names():
    assert reverse("procedures:list") == LIST_URL
    assert reverse("procedures:detail", kwargs={"code": "1.014445.H38"}) == "/thu-tuc-hanh-chinh/1.014445.H38/"


def test_list_shows_active_procedures_with_summary(client, catalogue):
    response = client.get(LIST_URL)
    assert response.status_code == 200
    assert sorted(codes(response)) == ["1.000001.H38", "1.014445.H38", "MAU-TDC-40"]
    html = response.content.decode()
    assert "3 thủ tục · 2 trực tuyến toàn trình · 2 qua bưu chính" in html
    assert "15 ngày làm việc" in html
    assert "5 ngày" in html
    assert "tính từ khi nộp đủ phí, lệ phí" in html
    assert "Toàn trình" in html and "Một phần" in html
    assert "Trả kết quả qua bưu chính" in html
    assert "Không qua bưu chính" in html
    assert 'Phí thẩm định <span class="fee-amount">(mức thu: 150.000 đồng)</span>' in html
    assert html.count(SAMPLE_NOTICE) == 1
    assert "procedures/procedures.css" in html
    assert '<link rel="canonical" href="http://127.0.0.1:8000/thu-tuc-hanh-chinh/">' in html
    assert 'scope="col"' in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"q": "cap giay chung nhan"}, ["1.014445.H38"]),
        ({"q": "CẤP GIẤY"}, ["1.014445.H38"]),
        ({"q": "dieu chinh dau dinh luong"}, ["MAU-TDC-40"]),
        ({"q": "đăng ký"}, ["1.000001.H38"]),
        ({"q": "dang ky"}, ["1.000001.H38"]),
        ({"q": "1.014445"}, ["1.014445.H38"]),
        ({"q": "do luong chat luong"}, ["MAU-TDC-40"]),  # field name
        ({"q": "bãi bỏ"}, []),
        ({"linh_vuc": "tdc"}, ["MAU-TDC-40"]),
        ({"muc_do": "partial"}, ["MAU-TDC-40"]),
        ({"muc_do": "full"}, ["1.000001.H38", "1.014445.H38"]),
        ({"buu_chinh": "co"}, ["1.000001.H38", "1.014445.H38"]),
        ({"buu_chinh": "nhan"}, ["1.014445.H38"]),
        ({"buu_chinh": "tra"}, ["1.000001.H38", "1.014445.H38"]),
        ({"buu_chinh": "khong"}, ["MAU-TDC-40"]),
        ({"linh_vuc": "hdkhcn", "q": "giay"}, ["1.014445.H38"]),
    ],
)
def test_filters_and_accent_insensitive_search(client, catalogue, query, expected):
    response = client.get(LIST_URL, query)
    assert response.status_code == 200
    assert sorted(codes(response)) == expected
    # The summary describes the whole catalogue, not the filtered list.
    assert "3 thủ tục · 2 trực tuyến toàn trình" in response.content.decode()


def test_no_result_message(client, catalogue):
    response = client.get(LIST_URL, {"q": "khong co gi"})
    assert "Không tìm thấy thủ tục nào" in response.content.decode()


def test_pagination(client):
    ProcedureFactory.create_batch(25)
    first = client.get(LIST_URL)
    assert len(codes(first)) == 20
    assert "Trang 1 / 2" in first.content.decode()
    second = client.get(LIST_URL, {"page": "2", "q": "thu nghiem"})
    assert len(codes(second)) == 5
    assert 'href="?q=thu+nghiem"' in second.content.decode()
    past = client.get(LIST_URL, {"page": "99"})
    assert past.status_code == 200
    assert "Không có trang 99, đang hiện trang cuối (2)." in past.content.decode()


@pytest.mark.parametrize(
    ("query", "status", "message"),
    [
        ({"linh_vuc": "khong-ton-tai"}, 400, "Lĩnh vực không tồn tại"),
        ({"muc_do": "4"}, 400, "Mức độ trực tuyến không hợp lệ"),
        ({"buu_chinh": "<b>"}, 400, "Lựa chọn bưu chính không hợp lệ"),
        ({"page": "abc"}, 200, "Số trang không hợp lệ, đang hiện trang 1."),
        ({"page": "-1"}, 200, "Số trang không hợp lệ"),
        ({"q": "x" * 10240}, 400, "Từ khóa quá dài"),
        ({"q": "zz\x00qq"}, 200, "Không tìm thấy thủ tục nào"),
    ],
)
def test_bad_query_strings_never_fail(client, catalogue, query, status, message):
    response = client.get(LIST_URL, query)
    assert response.status_code == status
    assert message in response.content.decode()
    # The valid part of the catalogue is still shown.
    assert response.context["summary"].total == 3


def test_html_in_the_query_is_escaped(client, catalogue):
    response = client.get(LIST_URL, {"q": '<script>alert("x")</script>'})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert" in html


def test_repeated_and_odd_parameters(client, catalogue):
    response = client.get(LIST_URL + "?q=cap&q=giay&linh_vuc[]=x&page=1&page=abc")
    assert response.status_code == 200


def test_detail_shows_everything(client, catalogue):
    procedure = catalogue["certificate"]
    procedure.applicants = "Doanh nghiệp"
    procedure.conditions = "Có kết quả nghiên cứu"
    procedure.result = "Giấy chứng nhận doanh nghiệp KH&CN"
    procedure.legal_basis = "Nghị định 268/2025/NĐ-CP"
    procedure.save()
    RequiredDocumentFactory(procedure=procedure, name="Đơn đề nghị cấp Giấy chứng nhận", sort_order=1)
    RequiredDocumentFactory(
        procedure=procedure,
        name="Bản sao Giấy chứng nhận đăng ký doanh nghiệp",
        form="certified_copy",
        copies=2,
        mandatory=False,
        sort_order=2,
        template="procedure-templates/mau.docx",
    )
    response = client.get(procedure.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    for text in [
        "Cấp Giấy chứng nhận doanh nghiệp khoa học và công nghệ",
        "1.014445.H38",
        "Hoạt động khoa học và công nghệ",
        "Toàn trình",
        "15 ngày làm việc",
        "tính từ khi người nộp đã nộp đủ phí, lệ phí",
        "Doanh nghiệp",
        "Có kết quả nghiên cứu",
        "Giấy chứng nhận doanh nghiệp KH&amp;CN",
        "Nghị định 268/2025/NĐ-CP",
        "Đơn đề nghị cấp Giấy chứng nhận",
        "Bản sao chứng thực",
        "Không bắt buộc",
        "Bắt buộc",
        "/media/procedure-templates/mau.docx",
        'href="/dich-vu-cong/nop/1.014445.H38/"',
        "Nộp hồ sơ trực tuyến",
    ]:
        assert text in html, text
    assert SAMPLE_NOTICE not in html
    assert html.index("Đơn đề nghị cấp") < html.index("Bản sao Giấy chứng nhận đăng ký")
    assert '<link rel="canonical" href="http://127.0.0.1:8000/thu-tuc-hanh-chinh/1.014445.H38/">' in html


def test_detail_of_a_partial_sample_procedure(client, catalogue):
    response = client.get("/thu-tuc-hanh-chinh/MAU-TDC-40/")
    html = response.content.decode()
    assert response.status_code == 200
    assert SAMPLE_NOTICE in html
    assert "Nộp hồ sơ trực tuyến" not in html
    assert "/dich-vu-cong/nop/" not in html


@pytest.mark.parametrize("code", ["1.000002.H38", "khong-co", "x" * 300, "%3Cscript%3E"])
def test_unknown_or_inactive_procedure_is_404_in_vietnamese(client, catalogue, code):
    response = client.get(f"/thu-tuc-hanh-chinh/{code}/")
    assert response.status_code == 404
    assert "Không tìm thấy thủ tục hành chính" in response.content.decode()
