"""The register (form 06, ``register``): rows, filters, the XLSX export, bad filters, who sees what."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from skhcn.deadlines.calendar import TZ
from skhcn.dossiers.constants import Action, Status
from skhcn.dossiers.documents.register import (
    HEADERS,
    RegisterFilterForm,
    RegisterFilters,
    RegisterMessages,
    register_rows,
    register_xlsx,
)
from skhcn.dossiers.models import Dossier
from skhcn.dossiers.workflow.access import visible_dossiers
from skhcn.procedures.models import ProcedureField
from skhcn.procedures.tests.factories import ProcedureFactory

from .workflow_support import PATHS, act, submitted_dossier

pytestmark = pytest.mark.django_db

MARCH = RegisterFilters(date(2026, 3, 1), date(2026, 3, 31))
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def local(*args) -> datetime:
    return datetime(*args, tzinfo=TZ)


def received_on(world, clock, moment: datetime, **fields) -> Dossier:
    """A dossier received at ``moment`` through the workflow (the clock is set there)."""
    clock.set(moment)
    dossier = submitted_dossier(world, **fields)
    return act(dossier, Action.RECEIVE, world=world)


@pytest.fixture
def march(world, clock):
    """Dossiers received around March 2026, in several states."""
    returned = received_on(
        world,
        clock,
        local(2026, 3, 2, 9, 0),
        applicant_name="Công ty TNHH Đầu tư Phát triển Bắc Sơn",
        applicant_address="Số 12, đường Kim Đồng, phường Thục Phán, tỉnh Cao Bằng",
        applicant_phone="0206385123",
    )
    for action in PATHS[Status.RETURNED][1:]:
        clock.advance(hours=2)
        returned = act(returned, action, world=world)
    assigned = received_on(
        world, clock, local(2026, 3, 10, 14, 0), applicant_name="Hoàng Văn Đức", applicant_address=""
    )
    for action in PATHS[Status.ASSIGNED][1:]:
        clock.advance(hours=1)
        assigned = act(assigned, action, world=world)
    # Received on the last evening of March (Vietnam time; still 31/03 although 16:30 UTC).
    late = received_on(world, clock, local(2026, 3, 31, 23, 30), applicant_name="Lường Thị Én")
    other_field = ProcedureField.objects.create(code="so-huu-tri-tue", name="Sở hữu trí tuệ")
    foreign_procedure = ProcedureFactory(field=other_field, division=world.other_division, processing_time=5)
    foreign = received_on(
        world, clock, local(2026, 3, 16, 8, 0), procedure=foreign_procedure, applicant_name="Nông Văn Dền"
    )
    clock.advance(hours=1)
    foreign = act(foreign, Action.TRANSFER, world=world, division=world.other_division)
    # Outside the month, or never received.
    before = received_on(world, clock, local(2026, 2, 28, 16, 0))
    after = received_on(world, clock, local(2026, 4, 1, 0, 15))
    clock.set(2026, 3, 20, 10, 0)  # "now" for the tests: before any due date
    not_received = submitted_dossier(world)
    return {
        "returned": Dossier.objects.get(pk=returned.pk),
        "assigned": Dossier.objects.get(pk=assigned.pk),
        "late": Dossier.objects.get(pk=late.pk),
        "foreign": Dossier.objects.get(pk=foreign.pk),
        "before": before,
        "after": after,
        "not_received": not_received,
        "other_field": other_field,
        "foreign_procedure": foreign_procedure,
    }


def day(value: datetime | None) -> date | None:
    return value.astimezone(TZ).date() if value else None


def codes(rows) -> list[str]:
    return [row[1] for row in rows]


# --- rows -------------------------------------------------------------------------------------------------------------
def test_rows_of_a_month_in_order_of_receipt(march):
    rows = list(register_rows(MARCH))
    assert codes(rows) == [march[k].code for k in ("returned", "assigned", "foreign", "late")]
    # The first column is each dossier's number in the year's register (what its form 01 prints).
    assert [row[0] for row in rows] == [march[k].register_serial for k in ("returned", "assigned", "foreign", "late")]
    assert rows[0][:7] == (
        1,
        march["returned"].code,
        march["returned"].procedure.name,
        1,
        "Công ty TNHH Đầu tư Phát triển Bắc Sơn",
        "Số 12, đường Kim Đồng, phường Thục Phán, tỉnh Cao Bằng – 0206385123",
        "Phòng Quản lý khoa học",
    )
    returned = march["returned"]
    transfer = returned.events.get(action=Action.TRANSFER)
    assert rows[0][7:] == (
        date(2026, 3, 2),
        day(returned.due_at),
        day(transfer.at),
        day(returned.finished_at),
        day(returned.returned_at),
        "Trước hạn",
    )
    assigned = rows[1]
    assert assigned[5] == "0912345678"  # no address: the phone alone
    assert assigned[10] is None and assigned[11] is None
    assert assigned[12] == "Đang giải quyết"
    assert rows[3][7] == date(2026, 3, 31)  # 23:30 in Vietnam is still the 31st
    assert rows[3][8] is not None and rows[3][9] is None
    assert rows[2][6] == "Phòng Tiêu chuẩn Đo lường Chất lượng"


def test_notes_say_overdue_late_apology_and_final_states(march, clock):
    assigned = march["assigned"]
    Dossier.objects.filter(pk=assigned.pk).update(due_at=local(2026, 3, 19, 17, 0), apology_used=True)
    returned = march["returned"]
    Dossier.objects.filter(pk=returned.pk).update(due_at=returned.finished_at - timedelta(days=1))
    late = march["late"]
    Dossier.objects.filter(pk=late.pk).update(status=Status.WITHDRAWN)
    notes = {row[1]: row[12] for row in register_rows(MARCH)}
    assert notes[assigned.code] == "Quá hạn (đang giải quyết); đã xin lỗi, hẹn lại"
    assert notes[returned.code] == "Trễ hạn"
    assert notes[late.code] == "Đã rút hồ sơ"
    Dossier.objects.filter(pk=returned.pk).update(due_at=returned.finished_at + timedelta(minutes=1))
    assert {row[1]: row[12] for row in register_rows(MARCH)}[returned.code] == "Đúng hạn"


def test_filters_procedure_field_division_status(march, world):
    def only(**kwargs):
        return codes(register_rows(RegisterFilters(MARCH.date_from, MARCH.date_to, **kwargs)))

    assert only(procedure=march["foreign_procedure"]) == [march["foreign"].code]
    assert only(field=march["other_field"]) == [march["foreign"].code]
    assert only(division=world.division) == [march["returned"].code, march["assigned"].code]
    assert only(status=Status.RETURNED) == [march["returned"].code]
    assert only(status=Status.RECEIVED) == [march["late"].code]
    assert only(division=world.division, status=Status.RECEIVED) == []
    one_day = RegisterFilters(date(2026, 3, 31), date(2026, 3, 31))
    assert codes(register_rows(one_day)) == [march["late"].code]
    assert codes(register_rows(RegisterFilters(date(2026, 4, 1), date(2026, 4, 30)))) == [march["after"].code]


def test_rows_limited_to_the_given_dossiers(march, world):

    assert codes(register_rows(MARCH, visible_dossiers(world.other_head))) == [march["foreign"].code]
    assert codes(register_rows(MARCH, visible_dossiers(world.specialist))) == [
        march["returned"].code,
        march["assigned"].code,
    ]
    assert list(register_rows(MARCH, visible_dossiers(world.applicant))) == []


# --- filter form ------------------------------------------------------------------------------------------------------
def errors(data) -> dict:
    form = RegisterFilterForm(data)
    assert not form.is_valid()
    return {name: list(messages) for name, messages in form.errors.items()}


def test_filter_form_accepts_both_date_formats(world):
    form = RegisterFilterForm({"tu_ngay": "01/03/2026", "den_ngay": "2026-03-31", "phong": str(world.division.pk)})
    assert form.is_valid(), form.errors
    filters = form.filters()
    assert filters == RegisterFilters(date(2026, 3, 1), date(2026, 3, 31), division=world.division)
    assert filters.describe() == ("Tiếp nhận từ ngày 01/03/2026 đến ngày 31/03/2026; phòng: Phòng Quản lý khoa học")


def test_filter_form_refusals_in_vietnamese(world):
    assert errors({}) == {
        "tu_ngay": [RegisterMessages.FROM_REQUIRED],
        "den_ngay": [RegisterMessages.TO_REQUIRED],
    }
    assert errors({"tu_ngay": "31/02/2026", "den_ngay": "hôm nay"}) == {
        "tu_ngay": [RegisterMessages.DATE_INVALID],
        "den_ngay": [RegisterMessages.DATE_INVALID],
    }
    assert errors({"tu_ngay": "02/03/2026", "den_ngay": "01/03/2026"}) == {"den_ngay": [RegisterMessages.FROM_AFTER_TO]}
    assert errors({"tu_ngay": "01/01/2025", "den_ngay": "01/01/2026"}) == {
        "den_ngay": [RegisterMessages.RANGE_TOO_LONG]
    }
    assert RegisterFilterForm({"tu_ngay": "01/01/2025", "den_ngay": "31/12/2025"}).is_valid()
    assert RegisterFilterForm({"tu_ngay": "29/02/2024", "den_ngay": "28/02/2025"}).is_valid()
    assert not RegisterFilterForm({"tu_ngay": "29/02/2024", "den_ngay": "01/03/2025"}).is_valid()
    base = {"tu_ngay": "01/03/2026", "den_ngay": "31/03/2026"}
    for name, value in (
        ("thu_tuc", "999999"),
        ("thu_tuc", "abc"),
        ("linh_vuc", "999999"),
        ("phong", "-1"),
        ("trang_thai", "draft"),
        ("trang_thai", "khong-co"),
    ):
        assert errors({**base, name: value}) == {name: [RegisterMessages.UNKNOWN_CHOICE]}, (name, value)


# --- XLSX -------------------------------------------------------------------------------------------------------------
def test_xlsx_header_rows_and_real_dates(march, settings):
    settings.AGENCY_NAME = "Sở Khoa học và Công nghệ"
    with register_xlsx(MARCH) as output:
        workbook = load_workbook(output)
    sheet = workbook.active
    assert sheet.title == "Sổ theo dõi hồ sơ"
    assert sheet["A1"].value == "SỔ THEO DÕI HỒ SƠ – Sở Khoa học và Công nghệ"
    assert sheet["A2"].value == "Tiếp nhận từ ngày 01/03/2026 đến ngày 31/03/2026"
    header = [cell.value for cell in sheet[4]]
    assert tuple(header) == HEADERS
    assert all(cell.font.bold for cell in sheet[4])
    assert sheet.freeze_panes == "C5"
    assert sheet.column_dimensions["C"].width == 48 and sheet.column_dimensions["D"].width == 9
    data = list(sheet.iter_rows(min_row=5, values_only=True))
    assert len(data) == 4
    assert [row[1] for row in data] == [march[k].code for k in ("returned", "assigned", "foreign", "late")]
    first = sheet[5]
    assert first[0].value == 1
    assert first[3].value == 1  # "Số lượng hồ sơ (bộ)"
    received = first[7]
    assert received.is_date and received.value == datetime(2026, 3, 2)
    assert received.number_format == "DD/MM/YYYY"
    for cell in first[7:12]:
        assert cell.is_date and cell.number_format == "DD/MM/YYYY"
    assert first[12].value == "Trước hạn"
    assert sheet.cell(row=6, column=11).value is None  # no result yet
    assert sheet.cell(row=8, column=8).value == datetime(2026, 3, 31)


def test_xlsx_of_an_empty_range_has_the_header_only(world):
    with register_xlsx(RegisterFilters(date(2020, 1, 1), date(2020, 1, 31))) as output:
        sheet = load_workbook(output).active
    assert tuple(cell.value for cell in sheet[4]) == HEADERS
    assert sheet.max_row == 4


# --- views ------------------------------------------------------------------------------------------------------------
def page_url(**params):
    from urllib.parse import urlencode

    return reverse("dossiers_staff:register") + (f"?{urlencode(params)}" if params else "")


def xlsx_url(**params):
    from urllib.parse import urlencode

    return reverse("dossiers_staff:register_xlsx") + (f"?{urlencode(params)}" if params else "")


MARCH_PARAMS = {"tu_ngay": "01/03/2026", "den_ngay": "31/03/2026"}


def test_urls():
    assert reverse("dossiers_staff:register") == "/admin/ho-so/so-theo-doi/"
    assert reverse("dossiers_staff:register_xlsx") == "/admin/ho-so/so-theo-doi/excel/"


def test_page_with_preview_and_export_button(client, march, world):
    client.force_login(world.one_stop)
    response = client.get(page_url(**MARCH_PARAMS))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Sổ theo dõi hồ sơ" in page
    assert march["returned"].code in page and march["late"].code in page
    assert march["before"].code not in page and march["not_received"].code not in page
    assert "4 hồ sơ" in page
    assert "02/03/2026" in page and "Trước hạn" in page
    assert "Xuất Excel" in page
    assert 'href="/admin/ho-so/so-theo-doi/excel/?tu_ngay=01%2F03%2F2026&amp;den_ngay=31%2F03%2F2026"' in page


def test_page_without_filters_shows_the_current_month(client, march, world, clock):
    clock.set(2026, 3, 20, 10, 0)
    client.force_login(world.one_stop)
    response = client.get(page_url())
    assert response.status_code == 200
    assert [row[1] for row in response.context["rows"]] == [march[k].code for k in ("returned", "assigned", "foreign")]
    assert response.context["form"].cleaned_data["tu_ngay"] == date(2026, 3, 1)


def test_preview_pages_of_fifty(client, world, clock):
    clock.set(2026, 3, 2, 8, 0)
    for index in range(55):
        dossier = submitted_dossier(world)
        Dossier.objects.filter(pk=dossier.pk).update(
            status=Status.RECEIVED,
            received_at=local(2026, 3, 2, 8, 0) + timedelta(minutes=index),
            register_serial=index + 1,
        )
    client.force_login(world.one_stop)
    first = client.get(page_url(**MARCH_PARAMS))
    assert len(first.context["rows"]) == 50 and first.context["rows"][0][0] == 1
    assert "Trang 1 / 2" in first.content.decode()
    second = client.get(page_url(**MARCH_PARAMS, trang=2))
    assert [row[0] for row in second.context["rows"]] == [51, 52, 53, 54, 55]
    assert client.get(page_url(**MARCH_PARAMS, trang="abc")).status_code == 200


def test_bad_filters_give_the_page_with_errors_never_a_500(client, world, clock):
    client.force_login(world.one_stop)
    cases = [
        ({"tu_ngay": "32/13/2026", "den_ngay": "31/03/2026"}, RegisterMessages.DATE_INVALID),
        ({"tu_ngay": "31/03/2026", "den_ngay": "01/03/2026"}, RegisterMessages.FROM_AFTER_TO),
        ({"tu_ngay": "01/01/2025", "den_ngay": "31/03/2026"}, RegisterMessages.RANGE_TOO_LONG),
        ({"den_ngay": "31/03/2026"}, RegisterMessages.FROM_REQUIRED),
        ({**MARCH_PARAMS, "thu_tuc": "123456789"}, RegisterMessages.UNKNOWN_CHOICE),
        ({**MARCH_PARAMS, "phong": "x"}, RegisterMessages.UNKNOWN_CHOICE),
    ]
    for params, message in cases:
        from django.utils.html import escape

        for url in (page_url(**params), xlsx_url(**params)):
            response = client.get(url)
            assert response.status_code == 400, (url, response.status_code)
            assert response["Content-Type"].startswith("text/html")
            assert escape(message) in response.content.decode(), (url, message)


def test_export_streams_an_xlsx_file(client, march, world):
    client.force_login(world.leader)
    response = client.get(xlsx_url(**MARCH_PARAMS))
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert 'attachment; filename="so-theo-doi-ho-so_20260301-20260331.xlsx"' == response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert sheet.max_row == 4 + 4


def test_bare_export_link_exports_the_current_month(client, march, world, clock):
    clock.set(2026, 3, 20, 10, 0)
    client.force_login(world.one_stop)
    response = client.get(xlsx_url())
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert [row[1] for row in sheet.iter_rows(min_row=5, values_only=True)] == [
        march[k].code for k in ("returned", "assigned", "foreign")
    ]


# --- who sees what ----------------------------------------------------------------------------------------------------
def exported_codes(client, user) -> list[str]:
    client.force_login(user)
    response = client.get(xlsx_url(**MARCH_PARAMS))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    return [row[1] for row in sheet.iter_rows(min_row=5, values_only=True)]


def test_register_limited_to_what_the_user_may_see(client, march, world):
    everything = [march[k].code for k in ("returned", "assigned", "foreign", "late")]
    for user in (world.one_stop, world.leader, world.clerk, world.admin):
        assert exported_codes(client, user) == everything
    assert exported_codes(client, world.head) == [march["returned"].code, march["assigned"].code]
    assert exported_codes(client, world.other_head) == [march["foreign"].code]
    assert exported_codes(client, world.specialist) == [march["returned"].code, march["assigned"].code]
    assert exported_codes(client, world.other_specialist) == []
    client.force_login(world.other_head)
    page = client.get(page_url(**MARCH_PARAMS)).content.decode()
    assert march["foreign"].code in page and march["returned"].code not in page


def test_citizens_and_anonymous_have_no_register(client, march, world):
    for url in (page_url(**MARCH_PARAMS), xlsx_url(**MARCH_PARAMS)):
        client.force_login(world.applicant)
        response = client.get(url)
        assert response.status_code in (302, 403)
        assert march["returned"].code.encode() not in response.content
        client.logout()
        response = client.get(url)
        assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_menu_item_for_staff(client, world):
    client.force_login(world.specialist)
    page = client.get(reverse("wagtailadmin_home")).content.decode()
    # The sidebar is JSON in the page (non-ASCII escaped).
    assert '"name": "so-theo-doi-ho-so", "label": "S\\u1ed5 theo d\\u00f5i h\\u1ed3 s\\u01a1"' in page
    assert '"url": "/admin/ho-so/so-theo-doi/"' in page
