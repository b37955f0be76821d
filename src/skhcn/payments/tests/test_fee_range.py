"""A procedure whose fee is a range (Procedure.fee_amount_max > fee_amount): staff set each dossier's amount within
it; a missing or out-of-range amount is refused and nothing is saved."""

import pytest

from skhcn.payments import services
from skhcn.payments.models import Payment, PaymentEvent

from .test_flow import request_fee_through_page, staff_page

pytestmark = pytest.mark.django_db

RANGE_MESSAGE = "Số tiền phải trong khoảng từ 2.000.000 đồng đến 16.000.000 đồng theo biểu phí của thủ tục."
MISSING_MESSAGE = "Thủ tục có mức phí theo khoảng; vui lòng nhập số tiền."


@pytest.fixture
def ranged(awaiting):
    procedure = awaiting.procedure
    procedure.fee_amount, procedure.fee_amount_max = 2_000_000, 16_000_000
    procedure.save()
    return awaiting


def _nothing_saved(dossier):
    assert not Payment.objects.filter(dossier=dossier).exists()
    assert not PaymentEvent.objects.filter(payment__dossier=dossier).exists()


@pytest.mark.parametrize("amount", [2_000_000, 8_000_000, 16_000_000])
def test_amount_within_the_range_is_requested(ranged, world, amount):
    payment = services.request_fee(ranged, world.one_stop, amount=amount)
    assert payment.amount == amount and payment.is_pending


@pytest.mark.parametrize("amount", [1_999_999, 16_000_001, 500_000])
def test_amount_outside_the_range_is_refused(ranged, world, amount):
    with pytest.raises(services.PaymentError) as error:
        services.request_fee(ranged, world.one_stop, amount=amount)
    assert error.value.message == RANGE_MESSAGE
    _nothing_saved(ranged)


def test_range_needs_an_amount(ranged, world):
    with pytest.raises(services.PaymentError) as error:
        services.request_fee(ranged, world.one_stop)
    assert error.value.message == MISSING_MESSAGE
    _nothing_saved(ranged)


def test_quantity_times_unit_price_is_checked_as_a_total(ranged, world):
    with pytest.raises(services.PaymentError, match="trong khoảng"):
        services.request_fee(ranged, world.one_stop, quantity=3, unit_amount=8_000_000)
    _nothing_saved(ranged)
    payment = services.request_fee(ranged, world.one_stop, quantity=2, unit_amount=3_000_000)
    assert payment.amount == 6_000_000


def test_fixed_fee_keeps_its_default(awaiting, world):
    assert not awaiting.procedure.fee_is_range
    assert services.request_fee(awaiting, world.one_stop).amount == 500_000


def test_fixed_fee_with_max_equal_to_amount_is_not_a_range(awaiting, world):
    awaiting.procedure.fee_amount_max = awaiting.procedure.fee_amount
    awaiting.procedure.save()
    assert services.request_fee(awaiting, world.one_stop).amount == 500_000


def test_staff_form_shows_the_range_and_no_default(client, world, ranged):
    page = staff_page(client, world.one_stop, ranged).content.decode()
    assert "data-fee-range" in page
    assert "Thủ tục có mức phí theo khoảng: từ 2.000.000 đồng đến 16.000.000 đồng." in page
    assert 'name="so_tien" value=""' in page


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", MISSING_MESSAGE),
        ("1.000.000", RANGE_MESSAGE),
        ("20.000.000", RANGE_MESSAGE),
        ("hai triệu", "Số tiền không hợp lệ: chỉ nhập chữ số."),
        ("-3000000", "Số tiền không hợp lệ: chỉ nhập chữ số."),
    ],
)
def test_view_refuses_bad_amounts(client, world, ranged, typed, message):
    response = request_fee_through_page(client, world, ranged, cach_tinh="tong", so_tien=typed)
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert message in page
    _nothing_saved(ranged)


def test_view_accepts_an_amount_in_the_range(client, world, ranged):
    response = request_fee_through_page(client, world, ranged, cach_tinh="tong", so_tien="3.000.000")
    assert response.status_code == 302
    assert Payment.objects.get(dossier=ranged).amount == 3_000_000
