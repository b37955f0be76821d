import pytest
from django.core.management import call_command

from skhcn.deadlines.constants import TimeUnit
from skhcn.procedures import services
from skhcn.procedures.constants import DataStatus, OnlineLevel
from skhcn.procedures.demo import NATIONAL_CODE, load_demo_procedures, parse_fee, parse_time, read_rows
from skhcn.procedures.models import Procedure, ProcedureField, RequiredDocument

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("05 ngày làm việc (NĐ 80/2007 era); 15 ngày (NĐ 268/2025)", (15, TimeUnit.CALENDAR_DAYS)),
        ("25 ngày (2022); 11 ngày làm việc (older Huế list)", (25, TimeUnit.CALENDAR_DAYS)),
        ("~5-15 ngày làm việc", (15, TimeUnit.WORKING_DAYS)),
        ("03 ngày (kiểm tra hồ sơ) + 10 ngày", (13, TimeUnit.CALENDAR_DAYS)),
        ("05 ngày làm việc (kiểm tra hồ sơ 03; bổ sung 30 ngày)", (5, TimeUnit.WORKING_DAYS)),
        ("~01 ngày làm việc", (1, TimeUnit.WORKING_DAYS)),
        ("theo lịch hội đồng", None),
        ("", None),
    ],
)
def test_parse_time_picks_the_current_value(text, expected):
    assert parse_time(text) == expected


@pytest.mark.parametrize(
    ("text", "amount"),
    [("Không", 0), ("~150.000 đ/giấy (GK)", 150000), ("75% phí thẩm định cấp mới", 0), ("phí thẩm định (TT BTC)", 0)],
)
def test_parse_fee(text, amount):
    assert parse_fee(text)[1] == amount


def test_demo_loader_is_idempotent_and_marks_samples():
    rows = read_rows()
    created = load_demo_procedures()
    assert created == len(rows) == Procedure.objects.count()
    documents = RequiredDocument.objects.count()
    assert load_demo_procedures() == 0
    assert Procedure.objects.count() == len(rows)
    assert RequiredDocument.objects.count() == documents
    assert ProcedureField.objects.count() == 5
    assert ProcedureField.objects.get(code="hdkhcn").name == "Hoạt động khoa học và công nghệ"

    first = Procedure.objects.get(code="1.014445.H38")
    assert (first.processing_time, first.time_unit) == (15, TimeUnit.CALENDAR_DAYS)
    assert first.data_status == DataStatus.VERIFIED
    assert Procedure.objects.get(code="2.002131.000.00.00.H58").field.code == "atbx"
    reconstructed = Procedure.objects.get(code="MAU-HDKHCN-03")
    assert reconstructed.data_status == DataStatus.SAMPLE
    assert "Giả định của dữ liệu mẫu" in reconstructed.source
    # Sample codes never look like national codes.
    for code in Procedure.objects.values_list("code", flat=True):
        assert code.startswith("MAU-") or NATIONAL_CODE.fullmatch(code)
    for procedure in Procedure.objects.prefetch_related("documents"):
        documents = list(procedure.documents.all())
        assert 2 <= len(documents) <= 4
        assert documents[0].name.startswith("Đơn đề nghị") and documents[0].mandatory
        assert procedure.search_text


def test_demo_summary_is_computed_from_the_data():
    load_demo_procedures()
    summary = services.summary()
    assert summary.total == Procedure.objects.filter(is_active=True).count() == 50
    assert summary.full_online == 49
    assert summary.partial_online == 1
    by_post = sum(1 for p in Procedure.objects.all() if p.post_submission or p.post_return)
    assert summary.by_post == by_post
    assert 0 < by_post < 50
    assert str(summary) == f"50 thủ tục · 49 trực tuyến toàn trình · {by_post} qua bưu chính"
    # Changing the data changes the line.
    Procedure.objects.filter(online_level=OnlineLevel.FULL).first().delete()
    assert services.summary().full_online == 48


def test_load_demo_command_loads_procedures_even_if_portal_exists(monkeypatch, tmp_path):
    import skhcn.accounts.demo as accounts_demo
    import skhcn.portal.demo.loader as portal_demo
    from skhcn.portal.models import HomePage

    def portal_must_be_skipped(stdout):
        raise AssertionError("the portal demo should be skipped with --if-empty")

    monkeypatch.setattr(accounts_demo, "LOGINS_FILE", tmp_path / "logins.txt")
    monkeypatch.setattr(portal_demo, "load_demo", portal_must_be_skipped)
    monkeypatch.setattr(type(HomePage.objects), "exists", lambda self: True, raising=False)
    call_command("load_demo", "--if-empty")
    assert Procedure.objects.count() == 50
    call_command("load_demo", "--if-empty")
    assert Procedure.objects.count() == 50
