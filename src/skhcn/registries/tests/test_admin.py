"""Admin (Wagtail): pages, forms with Vietnamese amounts and dates, folded search, uploads, import / export."""

import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from skhcn.procedures.tests.test_admin import to_cp1258
from skhcn.registries import constants as c
from skhcn.registries import importexport
from skhcn.registries.models import (
    Film,
    IntellectualProperty,
    Publication,
    ScienceEnterprise,
    ScienceTask,
    SupportGrant,
)
from skhcn.registries.tests.factories import (
    EnterpriseFactory,
    FilmFactory,
    IPFactory,
    PublicationFactory,
    SupportGrantFactory,
    TaskFactory,
    pdf_bytes,
)

pytestmark = pytest.mark.django_db

MODELS = {
    "task": ScienceTask,
    "enterprise": ScienceEnterprise,
    "ip": IntellectualProperty,
    "support": SupportGrant,
    "publication": Publication,
    "film": Film,
}


@pytest.fixture
def admin_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("quantri", "quantri@example.com", "mat-khau-dai-123")
    client.force_login(user)
    return client


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def records(media):
    return {
        "task": [
            TaskFactory(code="DT.2021-01", title="Nghiên cứu giống quýt Trà Lĩnh", acceptance_date=date(2024, 6, 4)),
            TaskFactory(
                code="DA.2016-01",
                title="Mô hình chè xanh Thị Ngân",
                kind=c.TaskKind.PROJECT,
                is_demo=True,
                objectives="Dòng 1\nDòng 2, có dấu phẩy; và “ngoặc kép”",
            ),
        ],
        "enterprise": [EnterpriseFactory(tax_code="4800123456-001"), EnterpriseFactory(certificate_number="")],
        "ip": [IPFactory(status=c.IPStatus.PROTECTED, protection_number="VN-1", protection_date=date(2018, 1, 1))],
        "support": [SupportGrantFactory(), SupportGrantFactory(year=None, beneficiary_count=5, amount=370_000_000)],
        "publication": [PublicationFactory()],
        "film": [FilmFactory(duration=3725)],
    }


def snapshot(key):
    """Every exported column of every record, by code."""
    columns = importexport.COLUMNS[key]
    return {
        record.code: [importexport.export_value(record, column) for column in columns]
        for record in MODELS[key].objects.all()
    }


def page_url(key):
    return reverse("registry_import_export:registry", kwargs={"key": key})


def upload(client, key, name, content):
    return client.post(page_url(key), {"file": SimpleUploadedFile(name, content)})


def confirm(client, key, response):
    form = response.context["confirm_form"]
    return client.post(
        page_url(key), {"confirm": "1", "filename": form.initial["filename"], "payload": form.initial["payload"]}
    )


def import_file(client, key, name, content):
    preview = upload(client, key, name, content)
    assert preview.status_code == 200, [(e.line, e.message) for e in preview.context["preview"].errors]
    response = confirm(client, key, preview)
    assert response.status_code == 302
    return response


def errors(response):
    return [(error.line, error.message) for error in response.context["preview"].errors]


def csv_bytes(rows, encoding="utf-8-sig"):
    import csv

    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(rows):
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- admin pages ------------------------------------------------------------------------------------------------


def test_admin_pages_load(admin_client, records):
    for name in ("tasks", "enterprises", "ip", "support", "publications", "films"):
        assert admin_client.get(reverse(f"registry_{name}:index")).status_code == 200, name
        assert admin_client.get(reverse(f"registry_{name}:add")).status_code == 200, name
    task = records["task"][0]
    assert admin_client.get(reverse("registry_tasks:edit", args=[task.pk])).status_code == 200
    assert admin_client.get(reverse("registry_import_export:index")).status_code == 200
    for key in MODELS:
        assert admin_client.get(page_url(key)).status_code == 200
    menu = admin_client.get("/admin/").content.decode()
    assert "/admin/du-lieu-khcn/nhiem-vu/" in menu and "/admin/du-lieu-khcn-nhap-xuat/" in menu


def test_admin_search_is_accent_insensitive(admin_client, records):
    response = admin_client.get(reverse("registry_tasks:index"), {"q": "giong quyt tra linh"})
    page = response.content.decode()
    assert "Nghiên cứu giống quýt Trà Lĩnh" in page and "Mô hình chè xanh" not in page


def task_form(**overrides):
    data = {
        "code": "DT.2024-99",
        "title": "Ứng dụng công nghệ sấy nông sản",
        "kind": "research",
        "level": "provincial",
        "field": "engineering",
        "host_organisation": "",
        "principal_investigator": "",
        "start_date": "01/03/2024",
        "end_date": "31/12/2025",
        "budget_state": "1,5 tỷ",
        "budget_other": "370 triệu đồng",
        "status": "in_progress",
        "acceptance_date": "",
        "objectives": "",
        "results": "",
        "application": "",
        "is_public": "on",
        "source": "",
        "reports-TOTAL_FORMS": "0",
        "reports-INITIAL_FORMS": "0",
        "reports-MIN_NUM_FORMS": "0",
        "reports-MAX_NUM_FORMS": "1000",
        "article_links-TOTAL_FORMS": "0",
        "article_links-INITIAL_FORMS": "0",
        "article_links-MIN_NUM_FORMS": "0",
        "article_links-MAX_NUM_FORMS": "1000",
    }
    data.update(overrides)
    return data


def test_admin_creates_a_task_with_vietnamese_amounts_and_a_report(admin_client, media):
    data = task_form(
        **{
            "reports-TOTAL_FORMS": "1",
            "reports-0-title": "Báo cáo tổng hợp",
            "reports-0-file": SimpleUploadedFile("bao-cao.pdf", pdf_bytes("Báo cáo")),
            "reports-0-ORDER": "1",
        }
    )
    response = admin_client.post(reverse("registry_tasks:add"), data)
    assert response.status_code == 302, response.context["form"].errors
    task = ScienceTask.objects.get(code="DT.2024-99")
    assert (task.budget_state, task.budget_other) == (1_500_000_000, 370_000_000)
    assert task.start_date == date(2024, 3, 1)
    assert task.reports.get().file.read().startswith(b"%PDF-")
    edit = admin_client.get(reverse("registry_tasks:edit", args=[task.pk])).content.decode()
    assert 'value="1.500.000.000"' in edit


@pytest.mark.parametrize(
    ("overrides", "field", "fragment"),
    [
        ({"budget_state": "1,500,000"}, "budget_state", "kiểu tiếng Anh"),
        ({"budget_other": "-3 triệu"}, "budget_other", "không được âm"),
        ({"start_date": "01/01/1850"}, "start_date", "trước năm 1900"),
        ({"status": "accepted", "acceptance_date": "01/01/2999"}, "acceptance_date", "tương lai"),
        ({"start_date": "01/01/2025", "end_date": "01/01/2024"}, "end_date", "phải sau"),
        ({"code": "ĐT 2024/01"}, "code", "chữ không dấu"),
    ],
)
def test_admin_refuses_bad_values_and_saves_nothing(admin_client, media, overrides, field, fragment):
    response = admin_client.post(reverse("registry_tasks:add"), task_form(**overrides))
    assert response.status_code == 200
    assert fragment in " ".join(response.context["form"].errors[field])
    assert not ScienceTask.objects.exists()


def report_with_active_content():
    from skhcn.core.tests.pdf_samples import active_pdf_bytes

    return task_form(
        **{
            "reports-TOTAL_FORMS": "1",
            "reports-0-title": "Báo cáo có mã",
            "reports-0-file": SimpleUploadedFile("bao-cao.pdf", active_pdf_bytes("link_javascript")),
            "reports-0-ORDER": "1",
        }
    )


def test_admin_refuses_a_report_with_javascript_and_saves_nothing(admin_client, media):
    response = admin_client.post(reverse("registry_tasks:add"), report_with_active_content())
    assert response.status_code == 200
    assert "Tệp PDF “bao-cao.pdf” có mã JavaScript nên không được chấp nhận" in response.content.decode()
    assert not ScienceTask.objects.exists()


def test_admin_report_with_javascript_is_cleaned_in_strip_mode(admin_client, media, settings):
    from skhcn.core import pdf_safety

    settings.UPLOAD_PDF_ACTIVE_CONTENT = "strip"
    response = admin_client.post(reverse("registry_tasks:add"), report_with_active_content())
    assert response.status_code == 302
    stored = ScienceTask.objects.get(code="DT.2024-99").reports.get().file
    with stored.open("rb") as handle:
        assert pdf_safety.scan_pdf(handle).found == frozenset()


def test_admin_refuses_a_disguised_report_and_saves_nothing(admin_client, media):
    data = task_form(
        **{
            "reports-TOTAL_FORMS": "1",
            "reports-0-title": "Không phải PDF",
            "reports-0-file": SimpleUploadedFile("bao-cao.pdf", b"<html><script>alert(1)</script></html>"),
            "reports-0-ORDER": "1",
        }
    )
    response = admin_client.post(reverse("registry_tasks:add"), data)
    assert response.status_code == 200
    assert not ScienceTask.objects.exists()
    assert "bao-cao.pdf" in response.content.decode()


def test_admin_enterprise_tax_code_is_checked_and_normalised(media):
    from django.core.exceptions import ValidationError

    enterprise = ScienceEnterprise(name="Công ty A", tax_code="4800 123 456 001")
    enterprise.full_clean()
    assert enterprise.tax_code == "4800123456-001"
    with pytest.raises(ValidationError, match="Mã số thuế"):
        ScienceEnterprise(name="Công ty B", tax_code="12345").full_clean()
    EnterpriseFactory(certificate_number="05/DNKHCN")
    with pytest.raises(ValidationError, match="Số giấy chứng nhận này đã có"):
        ScienceEnterprise(name="Công ty C", certificate_number="05/DNKHCN").full_clean()


def test_film_needs_a_video_and_only_real_videos(media):
    from django.core.exceptions import ValidationError
    from django.core.files.base import ContentFile

    with pytest.raises(ValidationError, match="tải lên tệp video hoặc nhập địa chỉ"):
        Film(title="Phim", topic="other").full_clean()
    with pytest.raises(ValidationError, match="YouTube hoặc Vimeo"):
        Film(title="Phim", embed_url="https://example.com/phim").full_clean()
    with pytest.raises(ValidationError, match="không phải video MP4 hoặc WebM"):
        Film(title="Phim", video_file=ContentFile(b"%PDF-1.4 not a video", name="phim.mp4")).full_clean()
    Film(title="Phim", video_file=ContentFile(b"\x1a\x45\xdf\xa3" + b"\x00" * 40, name="phim.webm")).full_clean()


def test_ip_protection_number_needs_protected_status():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="Đã được bảo hộ"):
        IntellectualProperty(name="X", ip_type="collective", product="Y", protection_number="1").full_clean()


# --- export and import round trips ------------------------------------------------------------------------------


@pytest.mark.parametrize("key", list(MODELS))
@pytest.mark.parametrize("extension", ["csv", "xlsx"])
def test_export_then_import_gives_the_same_records(admin_client, records, key, extension):
    before = snapshot(key)
    assert before
    response = admin_client.get(reverse("registry_import_export:export", args=[key, extension]))
    assert response.status_code == 200
    assert f".{extension}" in response["Content-Disposition"]
    content = response.content
    if extension == "csv":
        assert content.startswith(b"\xef\xbb\xbf")
    MODELS[key].objects.all().delete()
    if key == "film":  # a film needs its video; the address is in the table, so the new records are complete
        pass
    import_file(admin_client, key, f"du-lieu.{extension}", content)
    assert snapshot(key) == before
    # Importing the same file again updates every record and changes nothing.
    preview = upload(admin_client, key, f"du-lieu.{extension}", content)
    assert preview.context["preview"].updated_count == len(before)
    confirm(admin_client, key, preview)
    assert snapshot(key) == before


def test_import_accepts_cp1258_bom_headers_without_diacritics_and_vietnamese_amounts(admin_client, media):
    rows = [
        ["Ma", "Chuong trinh", "Don vi duoc ho tro", "So tien (dong)", "Nam", "So don vi"],
        ["HT-1", "Hỗ trợ nâng cao năng suất, chất lượng", "Hợp tác xã Đức Long", "1,5 tỷ", "2021", "1"],
        ["", "innovation", "Công ty TNHH Giang Hiền", "300 triệu đồng", "2020", ""],
        ["HT-3", "techmart", "Đoàn doanh nghiệp", "1.500.000", "", ""],
    ]
    text = "\r\n".join(";".join(row) for row in rows)
    import_file(admin_client, "support", "ho-tro.csv", to_cp1258(text))
    grants = {grant.beneficiary: grant for grant in SupportGrant.objects.all()}
    assert grants["Hợp tác xã Đức Long"].amount == 1_500_000_000
    assert grants["Công ty TNHH Giang Hiền"].amount == 300_000_000
    assert grants["Công ty TNHH Giang Hiền"].code.startswith("HT-")  # generated
    assert grants["Đoàn doanh nghiệp"].year is None
    SupportGrant.objects.all().delete()
    import_file(admin_client, "support", "ho-tro.csv", text.encode("utf-8-sig"))
    assert SupportGrant.objects.count() == 3


TASK_HEADER = ["Mã nhiệm vụ", "Tên nhiệm vụ", "Lĩnh vực", "Kinh phí ngân sách nhà nước (đồng)", "Ngày nghiệm thu"]


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        (
            "a.csv",
            csv_bytes([["Mã nhiệm vụ", "Tên", "Cột lạ"]]),
            [
                (1, "Cột 2 “Tên” không thuộc mẫu nhập."),
                (1, "Cột 3 “Cột lạ” không thuộc mẫu nhập."),
                (1, "Thiếu cột bắt buộc: “Tên nhiệm vụ”, “Lĩnh vực”."),
            ],
        ),
        ("a.csv", csv_bytes([["Tên nhiệm vụ"], ["X"]]), [(1, "Thiếu cột bắt buộc: “Mã nhiệm vụ”, “Lĩnh vực”.")]),
        ("a.csv", csv_bytes([TASK_HEADER + ["Tên nhiệm vụ"]]), [(1, "Cột “Tên nhiệm vụ” xuất hiện hai lần.")]),
        (
            "a.csv",
            csv_bytes(
                [
                    TASK_HEADER,
                    ["DT-1", "Một", "Khoa học nông nghiệp", "", ""],
                    ["DT-1", "Hai", "Khoa học nông nghiệp", "", ""],
                ]
            ),
            [(3, "Mã nhiệm vụ “DT-1” trùng với dòng 2 trong tệp.")],
        ),
        (
            "a.csv",
            csv_bytes([TASK_HEADER, ["DT-1", "Một", "Khoa học nông nghiệp", "1,500,000", ""]]),
            [(2, "Số tiền “1,500,000” viết theo kiểu tiếng Anh.")],
        ),
        (
            "a.csv",
            csv_bytes([TASK_HEADER, ["DT-1", "Một", "Khoa học nông nghiệp", "", "01/01/2999"]]),
            [(2, "Ngày 01/01/2999 ở tương lai")],
        ),
        (
            "a.csv",
            csv_bytes([TASK_HEADER, ["DT-1", "Một", "Khoa học vũ trụ", "", ""]]),
            [(2, "“Lĩnh vực” không hợp lệ: “Khoa học vũ trụ”")],
        ),
        (
            "a.csv",
            csv_bytes([TASK_HEADER, ["Đ T/1", "Một", "Khoa học nông nghiệp", "", ""]]),
            [(2, "chữ không dấu")],
        ),
        (
            "a.csv",
            csv_bytes([TASK_HEADER, ["DT-1", "", "Khoa học nông nghiệp", "", ""]]),
            [(2, "“Tên nhiệm vụ” không được để trống.")],
        ),
        (
            "a.csv",
            b"\xef\xbb\xbfM\xe3 nhi\xff",
            [(0, "Tệp có dấu hiệu UTF-8 (BOM) nhưng nội dung không đúng mã UTF-8.")],
        ),
        ("a.csv", b"\x81\x8d\x8f\x90", [(0, "Không nhận ra bảng mã của tệp")]),
        ("a.xlsx", b"PK\x03\x04 broken", [(0, "Không đọc được tệp XLSX")]),
        ("a.pdf", b"%PDF-1.4", [(0, "Chỉ nhận tệp .csv hoặc .xlsx.")]),
        ("a.csv", csv_bytes([TASK_HEADER]), [(2, "Tệp không có dòng dữ liệu nào.")]),
    ],
)
def test_bad_files_are_reported_row_by_row_and_nothing_is_written(admin_client, name, content, expected):
    response = upload(admin_client, "task", name, content)
    assert response.status_code == 400
    found = errors(response)
    assert len(found) == len(expected), found
    for (line, message), (expected_line, fragment) in zip(found, expected, strict=True):
        assert line == expected_line and fragment in message, found
    assert "Không có dữ liệu nào được ghi" in response.content.decode()
    assert not ScienceTask.objects.exists()


def test_empty_upload_is_refused(admin_client):
    response = upload(admin_client, "task", "a.csv", b"")
    assert response.status_code == 400
    assert response.context["upload_form"].errors["file"]
    assert not ScienceTask.objects.exists()


def test_one_bad_row_among_good_ones_imports_nothing(admin_client, records):
    before = snapshot("task")
    content = xlsx_bytes(
        [
            TASK_HEADER,
            ["DT.2021-01", "Tên mới cho nhiệm vụ cũ", "Khoa học nông nghiệp", "2 tỷ", ""],
            ["DT-NEW", "Nhiệm vụ mới", "Khoa học y, dược", "1.000.000", ""],
            ["DT-BAD", "Nhiệm vụ lỗi", "Khoa học y, dược", "1.5 tỷ", "31/12/1899"],
        ]
    )
    response = upload(admin_client, "task", "nhiem-vu.xlsx", content)
    assert response.status_code == 400
    assert [line for line, _ in errors(response)] == [4, 4]
    assert snapshot("task") == before


def test_enterprise_certificate_numbers_must_be_unique_in_the_file_and_the_database(admin_client, media):
    EnterpriseFactory(code="DN-OLD", certificate_number="01/DNKHCN")
    header = ["Mã", "Tên doanh nghiệp", "Số giấy chứng nhận", "Mã số thuế"]
    content = csv_bytes(
        [
            header,
            ["", "Công ty Một", "02/DNKHCN", "4800000001"],
            ["", "Công ty Hai", "02/DNKHCN", ""],
            ["", "Công ty Ba", "01/DNKHCN", "123"],
        ]
    )
    response = upload(admin_client, "enterprise", "dn.csv", content)
    found = errors(response)
    assert (3, "Số giấy chứng nhận “02/DNKHCN” trùng với dòng 2 trong tệp.") in found
    assert any(line == 4 and "Số giấy chứng nhận này đã có" in message for line, message in found)
    assert any(line == 4 and "Mã số thuế phải gồm 10 chữ số" in message for line, message in found)
    assert ScienceEnterprise.objects.count() == 1


def test_tampered_confirmation_is_refused(admin_client, media):
    response = admin_client.post(page_url("task"), {"confirm": "1", "filename": "a.csv", "payload": "###"})
    assert response.status_code == 400
    assert "Dữ liệu xác nhận không hợp lệ" in response.content.decode()


def test_permissions(client, django_user_model, records):
    from django.contrib.auth.models import Permission

    user = django_user_model.objects.create_user("xem", "xem@example.com", "mat-khau-dai-123")
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(user)
    assert client.get(page_url("task")).status_code in (302, 403)
    user.user_permissions.add(Permission.objects.get(codename="view_sciencetask"))
    user = django_user_model.objects.get(pk=user.pk)
    client.force_login(user)
    assert client.get(reverse("registry_import_export:export", args=["task", "csv"])).status_code == 200
    assert client.get(reverse("registry_import_export:export", args=["film", "csv"])).status_code in (302, 403)
    response = upload(client, "task", "a.csv", csv_bytes([TASK_HEADER, ["X-1", "Một", "Khoa học y, dược", "", ""]]))
    assert response.status_code in (302, 403)
    assert not ScienceTask.objects.filter(code="X-1").exists()
