import base64
import io
import unicodedata

import pytest
from django.contrib.auth.models import Permission
from openpyxl import Workbook, load_workbook

from skhcn.deadlines.constants import TimeUnit
from skhcn.procedures import importexport
from skhcn.procedures.constants import DataStatus, DocumentForm, OnlineLevel
from skhcn.procedures.models import Procedure, RequiredDocument
from skhcn.procedures.tests.factories import ProcedureFactory, ProcedureFieldFactory, RequiredDocumentFactory

pytestmark = pytest.mark.django_db

PAGE = "/admin/thu-tuc-hanh-chinh-nhap-xuat/"
MINIMAL_HEADER = "Mã thủ tục,Tên thủ tục,Mã lĩnh vực,Thời hạn giải quyết\n"
HEADER = ",".join(f'"{h}"' if "," in h else h for h in importexport.HEADERS)


@pytest.fixture
def admin_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("quantri", "quantri@example.com", "mat-khau-dai-123")
    client.force_login(user)
    return client


@pytest.fixture
def catalogue():
    science = ProcedureFieldFactory(code="hdkhcn", name="Hoạt động khoa học và công nghệ")
    quality = ProcedureFieldFactory(code="tdc", name="Tiêu chuẩn, đo lường, chất lượng")
    first = ProcedureFactory(
        code="1.014445.H38",
        name="Cấp Giấy chứng nhận doanh nghiệp khoa học và công nghệ",
        field=science,
        clock_waits_for_fee=True,
        fee_description="Phí thẩm định: 1.500.000 đồng\nLệ phí: không",
        fee_amount=1500000,
        conditions="Dòng một\nDòng hai, có “ngoặc kép” và dấu phẩy",
        legal_basis="Nghị định 268/2025/NĐ-CP",
        source="dichvucong.gov.vn",
    )
    RequiredDocumentFactory(procedure=first, name="Đơn đề nghị cấp Giấy chứng nhận", sort_order=1)
    RequiredDocumentFactory(
        procedure=first,
        name="Bản sao Giấy chứng nhận đăng ký doanh nghiệp",
        form=DocumentForm.CERTIFIED_COPY,
        copies=2,
        mandatory=False,
        sort_order=2,
        template="procedure-templates/mau.docx",
    )
    ProcedureFactory(
        code="MAU-TDC-40",
        name="Điều chỉnh nội dung bản công bố sử dụng dấu định lượng",
        field=quality,
        online_level=OnlineLevel.PARTIAL,
        post_submission=False,
        post_return=False,
        processing_time=5,
        time_unit=TimeUnit.CALENDAR_DAYS,
        data_status=DataStatus.SAMPLE,
        is_active=False,
    )
    return science, quality


def snapshot():
    result = {}
    for procedure in Procedure.objects.select_related("field").prefetch_related("documents"):
        values = {
            f.name: getattr(procedure, f.name)
            for f in Procedure._meta.fields
            if f.name not in ("id", "updated_at", "field")
        }
        values["field"] = procedure.field.code
        values["documents"] = [
            (d.name, d.form, d.copies, d.mandatory, d.sort_order, str(d.template)) for d in procedure.documents.all()
        ]
        result[procedure.code] = values
    return result


def upload(client, name, content):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(PAGE, {"file": SimpleUploadedFile(name, content)})


def confirm(client, response):
    form = response.context["confirm_form"]
    return client.post(PAGE, {"confirm": "1", "filename": form.initial["filename"], "payload": form.initial["payload"]})


def import_file(client, name, content):
    preview = upload(client, name, content)
    assert preview.status_code == 200, [e.message for e in preview.context["preview"].errors]
    return confirm(client, preview)


def error_messages(response):
    return [(error.line, error.message) for error in response.context["preview"].errors]


def xlsx_bytes(rows):
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- admin pages ---------------------------------------------------------------------------------------------


def test_admin_pages_load(admin_client, catalogue):
    procedure = Procedure.objects.get(code="1.014445.H38")
    for url in [
        "/admin/thu-tuc-hanh-chinh/",
        "/admin/thu-tuc-hanh-chinh/?q=cap+giay",
        "/admin/thu-tuc-hanh-chinh/?q=Cấp+Giấy",
        "/admin/thu-tuc-hanh-chinh/?online_level=partial&is_active=false",
        "/admin/thu-tuc-hanh-chinh/new/",
        f"/admin/thu-tuc-hanh-chinh/edit/{procedure.pk}/",
        "/admin/linh-vuc-thu-tuc/",
        "/admin/linh-vuc-thu-tuc/new/",
        PAGE,
        "/admin/",
    ]:
        response = admin_client.get(url)
        assert response.status_code == 200, url
    edit = admin_client.get(f"/admin/thu-tuc-hanh-chinh/edit/{procedure.pk}/").content.decode()
    assert "Thành phần hồ sơ" in edit and "Đơn đề nghị cấp Giấy chứng nhận" in edit
    from django.test import RequestFactory
    from wagtail.admin.menu import admin_menu

    request = RequestFactory().get("/admin/")
    request.user = response.wsgi_request.user
    labels = [item.label for item in admin_menu.menu_items_for_request(request)]
    assert "Thủ tục hành chính" in labels


def test_admin_search_is_accent_insensitive(admin_client, catalogue):
    for query in ["cap giay", "Cấp Giấy", "1.014445"]:
        response = admin_client.get("/admin/thu-tuc-hanh-chinh/", {"q": query})
        assert [p.code for p in response.context["object_list"]] == ["1.014445.H38"], query


def test_admin_edit_saves_inline_documents(admin_client, catalogue):
    procedure = Procedure.objects.get(code="MAU-TDC-40")
    response = admin_client.get(f"/admin/thu-tuc-hanh-chinh/edit/{procedure.pk}/")
    form = response.context["form"]
    data = {}
    for name, bound in form.fields.items():
        value = form.initial.get(name, bound.initial)
        if value is None:
            continue
        if isinstance(value, bool):
            if value:
                data[name] = "on"
            continue
        data[name] = getattr(value, "pk", value)
    data["name"] = "Điều chỉnh bản công bố (đã sửa)"
    data.update(
        {
            "documents-TOTAL_FORMS": "1",
            "documents-INITIAL_FORMS": "0",
            "documents-MIN_NUM_FORMS": "0",
            "documents-MAX_NUM_FORMS": "1000",
            "documents-0-name": "Đơn đề nghị điều chỉnh",
            "documents-0-form": DocumentForm.ORIGINAL,
            "documents-0-copies": "1",
            "documents-0-mandatory": "on",
            "documents-0-ORDER": "1",
        }
    )
    response = admin_client.post(f"/admin/thu-tuc-hanh-chinh/edit/{procedure.pk}/", data)
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    procedure.refresh_from_db()
    assert procedure.name == "Điều chỉnh bản công bố (đã sửa)"
    assert "da sua" in procedure.search_text
    assert [d.name for d in procedure.documents.all()] == ["Đơn đề nghị điều chỉnh"]


# --- export / round trip -------------------------------------------------------------------------------------


def test_export_csv_and_xlsx(admin_client, catalogue):
    csv_response = admin_client.get(PAGE + "xuat.csv")
    assert csv_response.status_code == 200
    assert csv_response["Content-Disposition"].startswith('attachment; filename="danh-muc-thu-tuc-')
    content = csv_response.content
    assert content.startswith(b"\xef\xbb\xbf")
    text = content.decode("utf-8-sig")
    assert text.splitlines()[0] == HEADER
    assert "Đơn đề nghị cấp Giấy chứng nhận | Bản chính | 1 | Bắt buộc" in text
    assert "Bản sao chứng thực | 2 | Không bắt buộc" in text

    xlsx_response = admin_client.get(PAGE + "xuat.xlsx")
    workbook = load_workbook(io.BytesIO(xlsx_response.content))
    rows = list(workbook["Thủ tục"].iter_rows(values_only=True))
    assert list(rows[0]) == importexport.HEADERS
    assert len(rows) == 3
    assert workbook["Lĩnh vực"]["A2"].value == "hdkhcn"


@pytest.mark.parametrize(("extension", "path"), [("csv", "xuat.csv"), ("xlsx", "xuat.xlsx")])
def test_export_then_import_round_trips(admin_client, catalogue, extension, path):
    before = snapshot()
    exported = admin_client.get(PAGE + path).content
    # Staff change things after the export; importing the export restores them.
    Procedure.objects.filter(code="1.014445.H38").update(name="Tên bị sửa", fee_amount=1, online_level="partial")
    changed = Procedure.objects.get(code="1.014445.H38")
    changed.documents.first().delete()
    RequiredDocumentFactory(procedure=changed, name="Giấy tờ thừa")
    response = import_file(admin_client, f"danh-muc.{extension}", exported)
    assert response.status_code == 302
    assert snapshot() == before
    # And into an empty catalogue (fields kept): the same records are created.
    Procedure.objects.all().delete()
    response = import_file(admin_client, f"danh-muc.{extension}", exported)
    assert response.status_code == 302
    after = snapshot()
    for values in before.values():  # uploaded templates are files, not part of the format
        values["documents"] = [document[:-1] for document in values["documents"]]
        values.pop("search_text")
    for values in after.values():
        values["documents"] = [document[:-1] for document in values["documents"]]
        values.pop("search_text")
    assert after == before


# --- import: good files ---------------------------------------------------------------------------------------

GOOD_ROWS = [
    ["Mã thủ tục", "Tên thủ tục", "Mã lĩnh vực", "Thời hạn giải quyết", "Đơn vị thời hạn", "Thành phần hồ sơ"],
    [
        "MAU-HDKHCN-90",
        "Cấp Giấy chứng nhận đăng ký hoạt động",
        "hdkhcn",
        "15",
        "ngày làm việc",
        "Đơn đề nghị cấp giấy chứng nhận | Bản chính | 1 | Bắt buộc\nĐiều lệ tổ chức | Bản sao | 1 | Không bắt buộc",
    ],
    ["1.014393.H38", "Công nhận trung tâm nghiên cứu và phát triển", "tdc", "30", "Ngày", ""],
]


def to_cp1258(text: str) -> bytes:
    """What Windows does: precomposed â ê ô ă ơ ư đ where they exist, tone marks as combining characters."""
    out = []
    for char in text:
        try:
            out.append(char.encode("cp1258"))
            continue
        except UnicodeEncodeError:
            pass
        base, *marks = unicodedata.normalize("NFD", char)
        shape = [mark for mark in marks if mark in "\u0302\u0306\u031b"]  # circumflex, breve, horn
        tones = [mark for mark in marks if mark not in shape]
        out.append(unicodedata.normalize("NFC", base + "".join(shape)).encode("cp1258"))
        out.extend(tone.encode("cp1258") for tone in tones)
    return b"".join(out)


def good_csv(encoding="utf-8", delimiter=","):
    import csv

    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerows(GOOD_ROWS)
    if encoding == "cp1258":
        return to_cp1258(buffer.getvalue())
    return buffer.getvalue().encode(encoding)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("a.csv", good_csv()),
        ("a.csv", good_csv("utf-8-sig")),
        ("a.csv", good_csv("cp1258")),
        ("a.csv", good_csv(delimiter=";")),
        ("A.XLSX", xlsx_bytes(GOOD_ROWS)),
    ],
    ids=["utf8", "utf8-bom", "cp1258", "semicolon", "xlsx"],
)
def test_import_good_files(admin_client, catalogue, name, content):
    preview = upload(admin_client, name, content)
    assert preview.status_code == 200
    assert "thêm mới 2, cập nhật 0" in preview.content.decode()
    assert not Procedure.objects.filter(code="MAU-HDKHCN-90").exists()  # nothing written before confirmation
    response = confirm(admin_client, preview)
    assert response.status_code == 302
    created = Procedure.objects.get(code="MAU-HDKHCN-90")
    assert created.name == "Cấp Giấy chứng nhận đăng ký hoạt động"  # diacritics intact (NFC) in every encoding
    assert created.time_display == "15 ngày làm việc"
    assert created.online_level == OnlineLevel.FULL  # absent column: default
    assert "cap giay chung nhan" in created.search_text
    assert [(d.name, d.form, d.mandatory) for d in created.documents.all()] == [
        ("Đơn đề nghị cấp giấy chứng nhận", DocumentForm.ORIGINAL, True),
        ("Điều lệ tổ chức", DocumentForm.COPY, False),
    ]
    other = Procedure.objects.get(code="1.014393.H38")
    assert (other.field.code, other.time_unit) == ("tdc", TimeUnit.CALENDAR_DAYS)
    assert "thêm mới 2, cập nhật 0" in admin_client.get(response.url).content.decode()


def test_cp1258_is_decoded_to_composed_text():
    raw = to_cp1258("Cấp Giấy đăng ký, ổn định")
    assert b"\xec" in raw  # combining acute accent (cp1258 0xEC): really decomposed
    assert importexport.decode_csv(raw) == "Cấp Giấy đăng ký, ổn định"


def test_partial_columns_keep_other_values(admin_client, catalogue):
    content = "Mã thủ tục,Ten thu tuc,Ma linh vuc,THOI HAN GIAI QUYET\n1.014445.H38,Tên mới,hdkhcn,20\n".encode()
    import_file(admin_client, "a.csv", content)
    procedure = Procedure.objects.get(code="1.014445.H38")
    assert (procedure.name, procedure.processing_time) == ("Tên mới", 20)
    assert procedure.fee_amount == 1500000 and procedure.documents.count() == 2


# --- import: bad files ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        (
            "a.csv",
            "Mã,Tên\n1,2\n".encode(),
            [
                (1, "Cột 1 “Mã” không thuộc mẫu nhập."),
                (1, "Cột 2 “Tên” không thuộc mẫu nhập."),
                (1, "Thiếu cột bắt buộc: “Mã thủ tục”, “Tên thủ tục”, “Mã lĩnh vực”, “Thời hạn giải quyết”."),
            ],
        ),
        (
            "a.csv",
            "Mã thủ tục,Tên thủ tục\nX,Y\n".encode(),
            [(1, "Thiếu cột bắt buộc: “Mã lĩnh vực”, “Thời hạn giải quyết”.")],
        ),
        (
            "a.csv",
            "Mã thủ tục,Tên thủ tục,Mã lĩnh vực,Thời hạn giải quyết,Tên thủ tục\n".encode(),
            [(1, "Cột “Tên thủ tục” xuất hiện hai lần.")],
        ),
        (
            "a.csv",
            "Mã thủ tục,Tên thủ tục,Mã lĩnh vực,Thời hạn giải quyết\nA-1,Tên,khong-co,15\n".encode(),
            [(2, "Mã lĩnh vực “khong-co” không tồn tại.")],
        ),
        (
            "a.csv",
            "Mã thủ tục,Tên thủ tục,Mã lĩnh vực,Thời hạn giải quyết\nA-1,Tên,hdkhcn,mười lăm\n".encode(),
            [(2, "“Thời hạn giải quyết” phải là số nguyên không âm, nhận được “mười lăm”.")],
        ),
        (
            "a.csv",
            (MINIMAL_HEADER + "A-1,Tên,hdkhcn,15\nB-2,Tên,hdkhcn,5\nA-1,Khác,tdc,3\n").encode(),
            [(4, "Mã thủ tục “A-1” trùng với dòng 2 trong tệp.")],
        ),
        (
            "a.csv",
            "Mã thủ tục,Tên thủ tục,Mã lĩnh vực,Thời hạn giải quyết\n,Tên,hdkhcn,0\n".encode(),
            [(2, "“Mã thủ tục” không được để trống."), (2, "“Thời hạn giải quyết” phải lớn hơn 0.")],
        ),
        (
            "a.csv",
            "Mã thủ tục,Tên thủ tục,Mã lĩnh vực,Thời hạn giải quyết,Mức độ trực tuyến,Đang áp dụng\n"
            "A-1,Tên,hdkhcn,15,mức 4,có lẽ\n".encode(),
            [
                (
                    2,
                    "“Mức độ trực tuyến” không hợp lệ: “mức 4” "
                    "(chọn một trong “Toàn trình”, “Một phần”, “Không trực tuyến”).",
                ),
                (2, "“Đang áp dụng” phải là “Có” hoặc “Không”, nhận được “có lẽ”."),
            ],
        ),
        (
            "a.csv",
            "Mã thủ tục,Tên thủ tục,Mã lĩnh vực,Thời hạn giải quyết,Thành phần hồ sơ\n"
            "A-1,Tên,hdkhcn,15,Đơn | Bản gốc | 1 | Có\n".encode(),
            [(2, "Thành phần hồ sơ, dòng 1: hình thức “Bản gốc” không hợp lệ.")],
        ),
        (
            "a.csv",
            b"\xef\xbb\xbfM\xe3 th\xff",
            [(0, "Tệp có dấu hiệu UTF-8 (BOM) nhưng nội dung không đúng mã UTF-8.")],
        ),
        (
            "a.csv",
            b"\x81\x8a\x8d",
            [(0, "Không nhận ra bảng mã của tệp: hãy lưu tệp CSV theo mã UTF-8 hoặc Windows-1258.")],
        ),
        (
            "a.xlsx",
            b"PK\x03\x04 not really",
            [(0, "Không đọc được tệp XLSX: tệp bị hỏng hoặc không phải tệp Excel (.xlsx).")],
        ),
        ("a.xls", b"abc", [(0, "Chỉ nhận tệp .csv hoặc .xlsx.")]),
        (
            "a.csv",
            "Mã thủ tục,Tên thủ tục,Mã lĩnh vực,Thời hạn giải quyết\n".encode(),
            [(2, "Tệp không có dòng dữ liệu nào.")],
        ),
    ],
    ids=[
        "unknown-column",
        "missing-columns",
        "duplicate-column",
        "unknown-field",
        "non-numeric-time",
        "duplicate-codes",
        "empty-code-zero-time",
        "bad-choice-bool",
        "bad-document",
        "bad-bom",
        "bad-encoding",
        "corrupt-xlsx",
        "wrong-extension",
        "no-rows",
    ],
)
def test_bad_files_are_reported_row_by_row(admin_client, catalogue, name, content, expected):
    before = snapshot()
    response = upload(admin_client, name, content)
    assert response.status_code == 400
    assert error_messages(response) == expected
    html = response.content.decode()
    assert "Chưa nhập được" in html and "confirm" not in html.split("Kiểm tra tệp")[1].split("Nhập danh mục")[0]
    assert snapshot() == before


def test_a_bad_row_among_good_ones_imports_nothing(admin_client, catalogue):
    rows = [*GOOD_ROWS, ["MAU-X-1", "Tên", "hdkhcn", "abc", "", ""]]
    response = upload(admin_client, "a.xlsx", xlsx_bytes(rows))
    assert response.status_code == 400
    assert error_messages(response) == [(4, "“Thời hạn giải quyết” phải là số nguyên không âm, nhận được “abc”.")]
    assert not Procedure.objects.filter(code="MAU-HDKHCN-90").exists()


def test_failure_while_writing_rolls_everything_back(admin_client, catalogue, monkeypatch):
    preview = upload(admin_client, "a.csv", good_csv())
    calls = []

    def failing_sync(procedure, documents):
        calls.append(procedure.code)
        if len(calls) == 2:
            raise RuntimeError("disk full")

    monkeypatch.setattr(importexport, "_sync_documents", failing_sync)
    with pytest.raises(RuntimeError):
        confirm(admin_client, preview)
    assert calls == ["MAU-HDKHCN-90", "1.014393.H38"]
    assert not Procedure.objects.filter(code__in=["MAU-HDKHCN-90", "1.014393.H38"]).exists()


def test_tampered_confirmation_is_refused(admin_client, catalogue):
    response = admin_client.post(PAGE, {"confirm": "1", "filename": "a.csv", "payload": "%%%"})
    assert response.status_code == 400
    assert "Dữ liệu xác nhận không hợp lệ" in response.content.decode()
    payload = base64.b64encode("Mã thủ tục,Tên thủ tục\n".encode()).decode()
    response = admin_client.post(PAGE, {"confirm": "1", "filename": "a.csv", "payload": payload})
    assert response.status_code == 400


# --- permissions ------------------------------------------------------------------------------------------------


def assert_refused(response):
    """Wagtail turns PermissionDenied in its admin into a redirect to the dashboard with an error message."""
    assert response.status_code in (302, 403)
    if response.status_code == 302:
        assert response.url == "/admin/"


def _staff(django_user_model, *codenames):
    user = django_user_model.objects.create_user("canbo", "canbo@example.com", "mat-khau-dai-123", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    for codename in codenames:
        user.user_permissions.add(Permission.objects.get(codename=codename, content_type__app_label="procedures"))
    return user


def test_viewer_can_export_but_not_import(client, django_user_model, catalogue):
    client.force_login(_staff(django_user_model, "view_procedure"))
    page = client.get(PAGE)
    assert page.status_code == 200
    assert "Bạn không có quyền nhập danh mục" in page.content.decode()
    assert client.get(PAGE + "xuat.csv").status_code == 200
    assert_refused(upload(client, "a.csv", good_csv()))
    payload = base64.b64encode(good_csv()).decode()
    assert_refused(client.post(PAGE, {"confirm": "1", "filename": "a.csv", "payload": payload}))
    assert not Procedure.objects.filter(code="MAU-HDKHCN-90").exists()


def test_change_without_add_cannot_import(client, django_user_model, catalogue):
    client.force_login(_staff(django_user_model, "change_procedure"))
    assert_refused(upload(client, "a.csv", good_csv()))
    assert not Procedure.objects.filter(code="MAU-HDKHCN-90").exists()


def test_add_and_change_may_import(client, django_user_model, catalogue):
    client.force_login(_staff(django_user_model, "add_procedure", "change_procedure"))
    assert import_file(client, "a.csv", good_csv()).status_code == 302
    assert Procedure.objects.filter(code="MAU-HDKHCN-90").exists()


def test_staff_without_procedure_permissions_is_refused(client, django_user_model, catalogue):
    client.force_login(_staff(django_user_model))
    assert_refused(client.get(PAGE))
    assert_refused(client.get(PAGE + "xuat.xlsx"))
    assert_refused(upload(client, "a.csv", good_csv()))
    assert RequiredDocument.objects.count() == 2
