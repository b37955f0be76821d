import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from skhcn.delivery.constants import ShipmentStatus
from skhcn.delivery.models import Shipment
from skhcn.dossiers.constants import Channel, ReceiveMethod, Status
from skhcn.dossiers.models import Dossier
from skhcn.dossiers.tests.factories import pdf_upload

from .conftest import issued_dossier, private_files
from .test_shipments import GOOD, ship


def login(client, user):
    client.force_login(user)
    return client


def ship_data(dossier, **overrides):
    return {
        "expected_version": dossier.version,
        "carrier": "manual",
        "tracking_number": GOOD,
        "recipient_name": "Nguyễn Văn An",
        "recipient_phone": "0912345678",
        "address_line": "Số 12 đường Kim Đồng",
        "ward": "Phường Hợp Giang",
        "district": "",
        "province": "Cao Bằng",
        "notes": "",
        **overrides,
    }


def test_staff_dossier_page_offers_shipping(client, world, clock, issued):
    page = login(client, world.one_stop).get(reverse("dossiers_staff:detail", args=[issued.pk]))
    html = page.content.decode()
    assert "Gửi kết quả qua bưu chính" in html and "data-ship" in html
    form = client.get(reverse("delivery_staff:ship", args=[issued.pk]))
    assert form.status_code == 200
    assert issued.postal_address in form.content.decode()


def test_ship_through_the_page(client, world, clock, issued):
    login(client, world.one_stop)
    response = client.post(reverse("delivery_staff:ship", args=[issued.pk]), ship_data(issued))
    assert response.status_code == 302
    issued.refresh_from_db()
    assert issued.status == Status.RETURNED and issued.return_method == ReceiveMethod.POST
    shipment = Shipment.objects.get()
    page = client.get(reverse("dossiers_staff:detail", args=[issued.pk])).content.decode()
    assert GOOD in page and "Đã giao cho bưu chính" in page and "data-ship>" not in page
    label = client.get(reverse("delivery_staff:label", args=[shipment.pk]))
    assert label["Content-Type"] == "application/pdf"
    assert GOOD in PdfReader(io.BytesIO(label.content)).pages[0].extract_text()
    slip = client.get(reverse("delivery_staff:slip", args=[shipment.pk]))
    assert slip.status_code == 200 and "no-store" in slip["Cache-Control"]
    # Delivery recorded from the dossier page.
    clock.advance(days=2)
    day = timezone.localdate(clock.moment).strftime("%d/%m/%Y")
    client.post(reverse("delivery_staff:delivered", args=[shipment.pk]), {"delivered_at": day})
    shipment.refresh_from_db()
    assert shipment.status == ShipmentStatus.DELIVERED
    listing = client.get(reverse("delivery_staff:list"), {"status": "delivered", "carrier": "manual"})
    assert GOOD in listing.content.decode()
    assert GOOD not in client.get(reverse("delivery_staff:list"), {"status": "returned"}).content.decode()


def test_ship_refusals_shown_on_the_form(client, world, clock, issued):
    login(client, world.one_stop)
    url = reverse("delivery_staff:ship", args=[issued.pk])
    no_province = client.post(url, ship_data(issued, province=""))
    assert no_province.status_code == 200
    assert "tỉnh/thành phố" in no_province.content.decode()
    bad_number = client.post(url, ship_data(issued, tracking_number="EB123456789VN"))
    assert "chữ số kiểm tra không đúng" in bad_number.content.decode()
    stale = client.post(url, ship_data(issued, expected_version=issued.version - 1))
    assert stale.status_code == 302
    issued.refresh_from_db()
    assert issued.status == Status.RESULT_ISSUED and not Shipment.objects.exists()


def test_record_return_from_the_page(client, world, clock, issued):
    shipment = ship(issued, world.one_stop)
    login(client, world.one_stop)
    client.post(reverse("delivery_staff:returned", args=[shipment.pk]), {"reason": "Không có người nhận."})
    shipment.refresh_from_db()
    assert shipment.status == ShipmentStatus.RETURNED


@pytest.mark.parametrize("who", ["specialist", "head", "leader", "clerk"])
def test_other_staff_cannot_ship_or_record(client, world, clock, issued, who):
    login(client, getattr(world, who))
    assert client.post(reverse("delivery_staff:ship", args=[issued.pk]), ship_data(issued)).status_code == 404
    assert client.get(reverse("delivery_staff:intake")).status_code == 404
    issued.refresh_from_db()
    assert issued.status == Status.RESULT_ISSUED
    shipment = ship(issued, world.one_stop)
    for name in ("delivered", "returned"):
        assert client.post(reverse(f"delivery_staff:{name}", args=[shipment.pk]), {"reason": "x"}).status_code == 404
    shipment.refresh_from_db()
    assert shipment.status == ShipmentStatus.HANDED_OVER


def test_citizens_and_strangers_never_reach_the_screens(client, world, clock, issued):
    shipment = ship(issued, world.one_stop)
    login(client, world.applicant)
    for url in (
        reverse("delivery_staff:intake"),
        reverse("delivery_staff:list"),
        reverse("delivery_staff:label", args=[shipment.pk]),
        reverse("delivery_staff:ship", args=[issued.pk]),
    ):
        response = client.get(url)
        assert response.status_code in (302, 403, 404), url
        assert b"%PDF" not in response.content


def test_specialist_sees_only_their_dossiers_shipments(client, world, clock, issued):
    shipment = ship(issued, world.one_stop)
    login(client, world.foreign_specialist)
    assert client.get(reverse("delivery_staff:label", args=[shipment.pk])).status_code == 404
    assert GOOD not in client.get(reverse("delivery_staff:list")).content.decode()


def test_citizen_page_shows_status_and_number(client, world, clock, issued):
    ship(issued, world.one_stop)
    page = login(client, world.applicant).get(reverse("dossiers:edit", args=[issued.pk]))
    html = page.content.decode()
    assert GOOD in html and "Đã giao cho bưu chính" in html
    assert "data-ship>" not in html and "delivery_staff" not in html


def intake_data(world, **overrides):
    return {
        "procedure": world.procedure.pk,
        "applicant_kind": "citizen",
        "applicant_name": "Hoàng Thị Lan",
        "applicant_id_number": "004190012345",
        "applicant_phone": "0987654321",
        "applicant_email": "",
        "address_line": "Xóm Nà Cáp",
        "ward": "Xã Hòa An",
        "district": "",
        "province": "Cao Bằng",
        "postmark_date": (timezone.localdate(timezone.now()) - timedelta(days=1)).strftime("%d/%m/%Y"),
        "receive_method": ReceiveMethod.POST,
        "note": "",
        **overrides,
    }


def test_intake_page(client, world, clock, private_root):
    login(client, world.one_stop)
    url = reverse("delivery_staff:intake")
    page = client.get(url).content.decode()
    assert "Tiếp nhận hồ sơ qua bưu chính" in page and world.procedure.name in page
    response = client.post(url, {**intake_data(world), "files": [pdf_upload()]})
    assert response.status_code == 302
    dossier = Dossier.objects.get()
    assert dossier.channel == Channel.POST and dossier.status == Status.RECEIVED
    assert response["Location"] == reverse("dossiers_staff:detail", args=[dossier.pk])


def test_intake_page_refusals(client, world, clock, private_root):
    login(client, world.one_stop)
    url = reverse("delivery_staff:intake")
    tomorrow = (timezone.localdate(timezone.now()) + timedelta(days=1)).strftime("%d/%m/%Y")
    future = client.post(url, {**intake_data(world, postmark_date=tomorrow), "files": [pdf_upload()]})
    html = future.content.decode()
    assert future.status_code == 200 and "Ngày không được sau ngày hôm nay." in html
    assert "chọn lại tệp" in html
    no_province = client.post(url, {**intake_data(world, province=""), "files": [pdf_upload()]})
    assert "tỉnh/thành phố" in no_province.content.decode()
    assert not Dossier.objects.exists() and private_files(private_root) == []


def test_menu_items(client, world, clock):
    # The sidebar is JSON in the page: look for the items' names (ASCII) and URLs.
    home = login(client, world.one_stop).get(reverse("wagtailadmin_home")).content.decode()
    assert "buu-chinh-tiep-nhan" in home and "buu-chinh-van-don" in home
    other = login(client, world.specialist).get(reverse("wagtailadmin_home")).content.decode()
    assert "buu-chinh-tiep-nhan" not in other and "buu-chinh-van-don" in other


def test_panel_absent_for_desk_dossiers(client, world, clock):
    dossier = issued_dossier(world, receive_method=ReceiveMethod.DESK)
    html = login(client, world.one_stop).get(reverse("dossiers_staff:detail", args=[dossier.pk])).content.decode()
    assert "data-delivery" not in html


def test_ship_form_explains_why_not(client, world, clock):
    dossier = issued_dossier(world, receive_method=ReceiveMethod.DESK)
    login(client, world.one_stop)
    response = client.get(reverse("delivery_staff:ship", args=[dossier.pk]), follow=True)
    assert "không đăng ký nhận kết quả qua dịch vụ bưu chính" in response.content.decode()
    assert not Shipment.objects.exists()
