import pytest
from django.core.exceptions import ValidationError

from skhcn.procedures import importexport
from skhcn.procedures.demo import parse_fee
from skhcn.procedures.fees import fee_summary, parse_fee_range
from skhcn.procedures.models import Procedure

from .factories import ProcedureFactory, ProcedureFieldFactory


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2.000.000 – 16.000.000 đồng", (2_000_000, 16_000_000)),
        ("Phí thẩm định: 2.000.000-16.000.000 đồng/hồ sơ", (2_000_000, 16_000_000)),
        ("từ 1.500.000 đồng đến 3.000.000 đồng", (1_500_000, 3_000_000)),
        ("Từ 500000 tới 1000000", (500_000, 1_000_000)),
        ("16.000.000 – 2.000.000", None),  # decreasing: not a range
        ("1.500.000 đồng", None),
        ("Phí thẩm định: 1.500.000 đồng; lệ phí: 200.000 đồng", None),  # two charges, not a range
        ("Thông tư 10/2021 - 2022", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_fee_range(text, expected):
    assert parse_fee_range(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Không", (0, 0)),
        ("~150.000 đ", (150_000, 0)),
        ("2.000.000 – 16.000.000 đồng", (2_000_000, 16_000_000)),
        (
            "phí thẩm định/thiết bị: 2.000.000 (răng/vú/di động), 3.000.000 (thường quy/đo mật độ xương), "
            "5.000.000 (tăng sáng), 8.000.000 (CT), 16.000.000 (PET/CT); lệ phí: không",
            (2_000_000, 16_000_000),
        ),
    ],
)
def test_demo_parse_fee_reads_ranges_and_tariffs(text, expected):
    assert parse_fee(text)[1:] == expected


def _procedure(**values):
    return Procedure(fee_description=values.pop("fee_description", ""), **values)


def test_fee_summary():
    fixed = _procedure(fee_description="Phí thẩm định", fee_amount=1_500_000)
    assert fee_summary(fixed) == "Phí thẩm định\nSố tiền: 1.500.000 đồng"
    ranged = _procedure(fee_description="Phí thẩm định theo thiết bị", fee_amount=2_000_000, fee_amount_max=16_000_000)
    assert fee_summary(ranged) == (
        "Phí thẩm định theo thiết bị\nMức thu theo biểu phí: từ 2.000.000 đồng đến 16.000.000 đồng"
    )
    assert fee_summary(ranged, amount=8_000_000) == "Phí thẩm định theo thiết bị\nSố tiền: 8.000.000 đồng"
    assert fee_summary(_procedure(fee_description="Không")) == "Không"
    assert fee_summary(_procedure(fee_amount=0)) == ""
    assert fee_summary(_procedure(fee_description="  ", fee_amount=100_000)) == "Số tiền: 100.000 đồng"


@pytest.mark.django_db
def test_clean_refuses_a_max_below_the_amount():
    procedure = ProcedureFactory(fee_amount=2_000_000)
    procedure.fee_amount_max = 1_000_000
    with pytest.raises(ValidationError) as error:
        procedure.full_clean()
    assert error.value.message_dict["fee_amount_max"] == [
        "Số tiền phí tối đa (1.000.000 đồng) không được nhỏ hơn số tiền phí (2.000.000 đồng). Để 0 nếu mức phí cố định."
    ]
    for maximum in (0, 2_000_000, 16_000_000):
        procedure.fee_amount_max = maximum
        procedure.full_clean()
    assert procedure.fee_is_range and procedure.fee_range_display == "Từ 2.000.000 đồng đến 16.000.000 đồng"


@pytest.mark.django_db
def test_public_page_shows_the_range(client):
    procedure = ProcedureFactory(fee_description="Phí thẩm định theo loại thiết bị", fee_amount=2_000_000)
    procedure.fee_amount_max = 16_000_000
    procedure.save()
    page = client.get(procedure.get_absolute_url()).content.decode()
    assert "(mức thu: từ 2.000.000 đồng đến 16.000.000 đồng)" in page
    procedure.fee_description = ""
    procedure.save()
    page = client.get(procedure.get_absolute_url()).content.decode()
    assert "Từ 2.000.000 đồng đến 16.000.000 đồng" in page


# --- import / export --------------------------------------------------------------------------------------------


def _import(rows):
    header = ["Mã thủ tục", "Tên thủ tục", "Mã lĩnh vực", "Thời hạn giải quyết", "Phí, lệ phí"]
    header += ["Số tiền phí (đồng)", "Số tiền phí tối đa (đồng)"]
    preview = importexport.validate_table([header, *rows])
    if preview.is_valid:
        importexport.apply_import(preview)
    return preview


@pytest.mark.django_db
def test_import_reads_a_range_from_the_fee_text_and_exports_it():
    ProcedureFieldFactory(code="atbx")
    preview = _import(
        [
            ["1.000001.H38", "Cấp giấy phép", "atbx", "10", "Phí thẩm định: 2.000.000 – 16.000.000 đồng", "", ""],
            ["1.000002.H38", "Cấp lại", "atbx", "10", "2.000.000 – 16.000.000 đồng", "3000000", "9000000"],
            ["1.000003.H38", "Gia hạn", "atbx", "10", "Phí: 1.500.000 đồng", "1500000", ""],
        ]
    )
    assert preview.is_valid, preview.errors
    amounts = dict(Procedure.objects.values_list("code", "fee_amount"))
    maxima = dict(Procedure.objects.values_list("code", "fee_amount_max"))
    assert amounts == {"1.000001.H38": 2_000_000, "1.000002.H38": 3_000_000, "1.000003.H38": 1_500_000}
    assert maxima == {"1.000001.H38": 16_000_000, "1.000002.H38": 9_000_000, "1.000003.H38": 0}
    rows = importexport.export_rows()
    column = rows[0].index("Số tiền phí tối đa (đồng)")
    assert sorted(row[column] for row in rows[1:]) == [0, 9_000_000, 16_000_000]


@pytest.mark.django_db
def test_import_refuses_a_max_below_the_amount():
    ProcedureFieldFactory(code="atbx")
    preview = _import([["1.000001.H38", "Cấp giấy phép", "atbx", "10", "Phí", "5000000", "1000000"]])
    assert not preview.is_valid
    assert [error.message for error in preview.errors] == [
        "Số tiền phí tối đa (đồng): Số tiền phí tối đa (1.000.000 đồng) không được nhỏ hơn số tiền phí "
        "(5.000.000 đồng). Để 0 nếu mức phí cố định."
    ]
    assert not Procedure.objects.exists()


# --- Wagtail admin ----------------------------------------------------------------------------------------------


def _edit_data(form, **changes):
    data = {}
    for name, bound in form.fields.items():
        value = form.initial.get(name, bound.initial)
        if value is None or value is False:
            continue
        data[name] = "on" if value is True else getattr(value, "pk", value)
    data.update(
        {
            "documents-TOTAL_FORMS": "0",
            "documents-INITIAL_FORMS": "0",
            "documents-MIN_NUM_FORMS": "0",
            "documents-MAX_NUM_FORMS": "1000",
        }
    )
    return {**data, **changes}


@pytest.mark.django_db
def test_admin_edits_the_range_and_refuses_a_max_below_the_amount(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("quantri", "quantri@example.com", "mat-khau-123"))
    procedure = ProcedureFactory(fee_description="Phí thẩm định", fee_amount=0)
    page = f"/admin/thu-tuc-hanh-chinh/edit/{procedure.pk}/"
    response = client.get(page)
    assert "Số tiền phí tối đa (đồng)" in response.content.decode()
    form = response.context["form"]

    response = client.post(page, _edit_data(form, fee_amount="5000000", fee_amount_max="1000000"))
    assert response.status_code == 200
    assert response.context["form"].errors["fee_amount_max"] == [
        "Số tiền phí tối đa (1.000.000 đồng) không được nhỏ hơn số tiền phí (5.000.000 đồng). Để 0 nếu mức phí cố định."
    ]
    procedure.refresh_from_db()
    assert (procedure.fee_amount, procedure.fee_amount_max) == (0, 0)

    response = client.post(page, _edit_data(form, fee_amount="2000000", fee_amount_max="16000000"))
    assert response.status_code == 302
    procedure.refresh_from_db()
    assert (procedure.fee_amount, procedure.fee_amount_max) == (2_000_000, 16_000_000)
