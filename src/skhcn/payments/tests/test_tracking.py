"""The public tracking page (code + phone) and the applicant's dossier page show the fee's state (with the way to pay)
and the result's postal item (carrier, number, state, dates)."""

import re

import pytest
from django.utils import timezone

from skhcn.delivery import services as delivery
from skhcn.delivery.tests.conftest import issued_dossier
from skhcn.delivery.tests.test_shipments import GOOD, ship
from skhcn.dossiers.constants import Action
from skhcn.dossiers.tests.workflow_support import act
from skhcn.payments import services
from skhcn.payments.models import PaymentStatus

from .helpers import gateway_params, send_ipn


def track(client, dossier, phone="0912345678"):
    client.logout()
    response = client.post("/dich-vu-cong/tra-cuu/", {"ma": dossier.code, "sdt": phone})
    assert response.status_code == 200
    return response.content.decode()


def flat(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", "", html).split())


def test_fee_waiting_on_the_tracking_page_links_to_payment(client, payment):
    dossier = payment.dossier
    html = track(client, dossier)
    text = flat(html)
    requested = timezone.localtime(payment.created_at).strftime("%d/%m/%Y")
    assert "Phí, lệ phí" in text
    assert f"{payment.purpose}: 500.000 đồng – Chờ thanh toán (yêu cầu ngày {requested})" in text
    assert f'href="/dich-vu-cong/ho-so/{dossier.pk}/#thanh-toan" data-pay-link' in html
    assert payment.txn_ref not in html  # no transaction details in public
    # The link asks for a sign-in, then leads to the dossier page with the pay button.
    response = client.get(f"/dich-vu-cong/ho-so/{dossier.pk}/")
    assert response.status_code == 302 and "/tai-khoan/dang-nhap/" in response["Location"]
    client.force_login(dossier.applicant)
    assert "Thanh toán trực tuyến</button>" in client.get(f"/dich-vu-cong/ho-so/{dossier.pk}/").content.decode()


def test_paid_fee_on_the_tracking_page(client, payment):
    payment.gateway = "sandbox"
    payment.save()
    assert send_ipn(client, gateway_params(payment))["RspCode"] == "00"
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID
    html = track(client, payment.dossier)
    paid = timezone.localtime(payment.paid_at).strftime("%d/%m/%Y")
    assert f"500.000 đồng – Đã thanh toán (thanh toán ngày {paid})" in flat(html)
    assert "data-pay-link" not in html


def test_paper_dossier_without_an_account_is_told_to_contact_the_desk(client, payment):
    applicant = payment.dossier.applicant
    applicant.is_active = False  # like the paper (postal) intake account
    applicant.save()
    html = track(client, payment.dossier)
    assert "data-pay-link" not in html
    assert "Vui lòng liên hệ Bộ phận Một cửa để nộp khoản phí này." in html


def test_no_fee_section_without_fees(client, world, clock):
    dossier = issued_dossier(world)
    html = track(client, dossier)
    assert "Phí, lệ phí" not in html and "data-shipments" not in html


@pytest.fixture
def shipped(world, clock):
    dossier = issued_dossier(world)
    return ship(dossier, world.one_stop)


def test_shipment_on_the_tracking_page_and_the_dossier_page(client, world, clock, shipped):
    dossier = shipped.dossier
    day = clock.moment.strftime("%d/%m/%Y")
    text = flat(track(client, dossier))
    assert "Kết quả gửi qua bưu chính" in text
    assert (
        f"Số hiệu bưu gửi {GOOD} ({shipped.carrier_label}): Đã giao cho bưu chính; giao bưu chính ngày {day}." in text
    )
    assert world.one_stop.staff_profile.full_name not in text  # never who

    clock.advance(days=2)
    delivery.record_delivery(shipped, world.one_stop)
    text = flat(track(client, dossier))
    delivered = clock.moment.strftime("%d/%m/%Y")
    assert f"Đã phát thành công; giao bưu chính ngày {day}; phát thành công ngày {delivered}." in text

    client.force_login(dossier.applicant)
    page = flat(client.get(f"/dich-vu-cong/ho-so/{dossier.pk}/").content.decode())
    assert f"Số hiệu bưu gửi {GOOD}" in page and f"phát thành công ngày {delivered}" in page


def test_returned_shipment_shows_its_date(client, world, clock, shipped):
    clock.advance(days=5)
    delivery.record_return(shipped, world.one_stop, "Người nhận vắng nhà, đã báo phát 3 lần.")
    returned = clock.moment.strftime("%d/%m/%Y")
    text = flat(track(client, shipped.dossier))
    assert "Không phát được, đã hoàn về; giao bưu chính ngày" in text
    assert f"hoàn về ngày {returned}." in text
    assert "Bộ phận Một cửa sẽ liên hệ với Ông/Bà" in text


def test_refund_flag_is_shown_to_the_public_as_a_coming_refund(client, payment, world):

    payment.gateway = "sandbox"
    payment.save()
    act(payment.dossier, Action.WITHDRAW, world.applicant, world=world, comment="Rút.")
    send_ipn(client, gateway_params(payment))
    html = track(client, payment.dossier)
    assert "Khoản tiền này sẽ được hoàn trả cho người nộp." in html
    payment.refresh_from_db()
    assert not services.payable(payment) and "data-pay-link" not in html
