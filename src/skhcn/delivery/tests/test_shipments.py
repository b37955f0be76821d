from datetime import timedelta

import pytest

from skhcn.deadlines import status as deadline
from skhcn.deadlines.calendar import TZ
from skhcn.delivery import services
from skhcn.delivery.constants import EventKind, ShipmentStatus
from skhcn.delivery.models import Shipment, ShipmentEvent
from skhcn.delivery.services import DeliveryError, Recipient
from skhcn.dossiers.constants import Action, ReceiveMethod, Status
from skhcn.dossiers.models import DossierEvent
from skhcn.procedures.tests.factories import ProcedureFactory

from .conftest import issued_dossier

GOOD = "EB123456785VN"


def recipient(**overrides) -> Recipient:
    values = {
        "name": "Nguyễn Văn An",
        "phone": "0912 345 678",
        "address_line": "Số 12 đường Kim Đồng",
        "ward": "Phường Hợp Giang",
        "province": "Cao Bằng",
        **overrides,
    }
    return Recipient(**values)


def ship(dossier, actor, **overrides):
    kwargs = {
        "expected_version": dossier.version,
        "carrier": "manual",
        "tracking_number": GOOD,
        "recipient": recipient(),
        **overrides,
    }
    return services.create_shipment(dossier, actor, **kwargs)


def snapshot(dossier):
    dossier.refresh_from_db()
    return (
        dossier.status,
        dossier.version,
        dossier.returned_at,
        Shipment.objects.count(),
        ShipmentEvent.objects.count(),
        DossierEvent.objects.count(),
    )


def test_happy_path_returns_the_result_by_post(world, clock, issued):
    clock.advance(hours=2)
    shipment = ship(issued, world.one_stop)
    issued.refresh_from_db()
    assert issued.status == Status.RETURNED
    assert issued.return_method == ReceiveMethod.POST
    assert shipment.status == ShipmentStatus.HANDED_OVER
    assert shipment.tracking_number == GOOD
    assert shipment.handed_over_at == issued.returned_at == clock.moment
    assert [e.kind for e in shipment.events.all()] == [EventKind.CREATED, EventKind.HANDED_OVER]
    last = issued.events.last()
    assert last.action == Action.RETURN_RESULT and last.details["method"] == ReceiveMethod.POST
    assert GOOD in last.comment


def test_outcome_is_decided_at_hand_over_not_at_delivery(world, clock, issued):
    """Postal transit does not count: delivery after the due date changes nothing on the dossier."""
    issued.refresh_from_db()
    due = issued.due_at
    finished = issued.finished_at
    outcome_before = deadline.finished_outcome(finished, due)
    # Hand over on the due day itself, in office hours; the post delivers three days after the due date.
    clock.set(due.astimezone(TZ).replace(hour=9, minute=0))
    shipment = ship(issued, world.one_stop)
    issued.refresh_from_db()
    one_stop_row = issued.handoffs.order_by("-given_at", "-id").first()
    assert one_stop_row.finished_at == shipment.handed_over_at
    assert one_stop_row.outcome == deadline.ON
    clock.advance(days=3)
    services.record_delivery(shipment, world.one_stop, clock.moment)
    issued.refresh_from_db()
    assert issued.returned_at == shipment.handed_over_at < issued.due_at + timedelta(days=1)
    assert issued.finished_at == finished
    assert deadline.finished_outcome(issued.finished_at, issued.due_at) == outcome_before
    one_stop_row.refresh_from_db()
    assert one_stop_row.outcome == deadline.ON  # not "after", although delivered after the due date


def test_sandbox_generates_the_number(world, clock, issued):
    shipment = ship(issued, world.one_stop, carrier="sandbox", tracking_number="")
    assert shipment.tracking_number.startswith("EZ")


@pytest.mark.parametrize(
    "change, overrides, code",
    [
        ("procedure", {}, "procedure"),
        ("method", {}, "method"),
        (None, {"recipient": recipient(province="")}, "address"),
        (None, {"recipient": recipient(province="   ")}, "address"),
        (None, {"recipient": recipient(phone="abc")}, "address"),
        (None, {"tracking_number": "EB123456789VN"}, "tracking"),
        (None, {"tracking_number": "12345"}, "tracking"),
        (None, {"tracking_number": ""}, "tracking"),
        (None, {"carrier": "vnpost-api"}, "carrier"),
        (None, {"expected_version": 1}, "stale"),
    ],
)
def test_refusals_change_nothing(world, clock, change, overrides, code):
    procedure = None
    if change == "procedure":
        procedure = ProcedureFactory(
            processing_time=15, step_budgets="2,10,3", division=world.division, post_return=False
        )
    dossier = issued_dossier(world, procedure=procedure)
    if change == "method":
        type(dossier).objects.filter(pk=dossier.pk).update(receive_method=ReceiveMethod.DESK)
        dossier.refresh_from_db()
    before = snapshot(dossier)
    with pytest.raises(DeliveryError) as error:
        ship(dossier, world.one_stop, **overrides)
    assert error.value.code == code
    assert snapshot(dossier) == before


def test_province_message_is_clear(world, clock, issued):
    with pytest.raises(DeliveryError) as error:
        ship(issued, world.one_stop, recipient=recipient(province=""))
    assert "tỉnh/thành phố" in error.value.message
    assert error.value.field == "province"


def test_wrong_state_refused(world, clock):
    from skhcn.dossiers.tests.workflow_support import dossier_at

    dossier = dossier_at(Status.APPROVED, world)
    type(dossier).objects.filter(pk=dossier.pk).update(receive_method=ReceiveMethod.POST)
    dossier.refresh_from_db()
    before = snapshot(dossier)
    with pytest.raises(DeliveryError) as error:
        ship(dossier, world.one_stop)
    assert error.value.code == "state"
    assert snapshot(dossier) == before


def test_twice_refused_and_number_unique(world, clock, issued):
    ship(issued, world.one_stop)
    issued.refresh_from_db()
    with pytest.raises(DeliveryError) as error:
        ship(issued, world.one_stop)
    assert error.value.code == "state"
    other = issued_dossier(world)
    with pytest.raises(DeliveryError) as error:
        ship(other, world.one_stop)
    assert error.value.code == "tracking"
    other.refresh_from_db()
    assert other.status == Status.RESULT_ISSUED


@pytest.mark.parametrize("who", ["specialist", "head", "leader", "clerk", "applicant", "stranger"])
def test_only_one_stop_and_admin_ship(world, clock, issued, who):
    before = snapshot(issued)
    with pytest.raises(DeliveryError) as error:
        ship(issued, getattr(world, who))
    assert error.value.code == "role"
    assert snapshot(issued) == before


def test_admin_may_ship(world, clock, issued):
    assert ship(issued, world.admin).status == ShipmentStatus.HANDED_OVER


def test_record_delivery(world, clock, issued):
    shipment = ship(issued, world.one_stop)
    with pytest.raises(DeliveryError) as error:
        services.record_delivery(shipment, world.one_stop, clock.moment + timedelta(hours=1))
    assert error.value.code == "date"
    with pytest.raises(DeliveryError):
        services.record_delivery(shipment, world.one_stop, clock.moment - timedelta(days=1))
    with pytest.raises(DeliveryError) as error:
        services.record_delivery(shipment, world.specialist)
    assert error.value.code == "role"
    clock.advance(days=2)
    done = services.record_delivery(shipment, world.one_stop, clock.moment.date())
    assert done.status == ShipmentStatus.DELIVERED and done.delivered_at == clock.moment
    with pytest.raises(DeliveryError) as error:
        services.record_delivery(shipment, world.one_stop)
    assert error.value.code == "state"
    assert [e.kind for e in done.events.all()][-1] == EventKind.DELIVERED


def test_record_return_notes_the_dossier(world, clock, issued):
    shipment = ship(issued, world.one_stop)
    with pytest.raises(DeliveryError) as error:
        services.record_return(shipment, world.one_stop, "  ")
    assert error.value.code == "reason"
    clock.advance(days=4)
    done = services.record_return(shipment, world.one_stop, "Người nhận không có ở địa chỉ.")
    assert done.status == ShipmentStatus.RETURNED and done.returned_at == clock.moment
    note = issued.events.last()
    assert note.action == Action.COMMENT and "hoàn về" in note.comment and "không có ở địa chỉ" in note.comment
    issued.refresh_from_db()
    assert issued.status == Status.RETURNED
    with pytest.raises(DeliveryError):
        services.record_delivery(shipment, world.one_stop)


def test_events_are_append_only(world, clock, issued):
    shipment = ship(issued, world.one_stop)
    event = shipment.events.first()
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        ShipmentEvent.objects.update(note="x")


def test_poll_sandbox_delivers(world, clock, issued):
    shipment = ship(issued, world.one_stop, carrier="sandbox", tracking_number="")
    manual = ship(issued_dossier(world), world.one_stop)
    assert services.poll_sandbox() == 1
    shipment.refresh_from_db()
    assert shipment.status == ShipmentStatus.IN_TRANSIT
    assert services.poll_sandbox() == 1
    shipment.refresh_from_db()
    assert shipment.status == ShipmentStatus.DELIVERED and shipment.delivered_at is not None
    assert services.poll_sandbox() == 0
    manual.refresh_from_db()
    assert manual.status == ShipmentStatus.HANDED_OVER  # manual items are never polled
    assert [e.kind for e in shipment.events.all()] == [
        EventKind.CREATED,
        EventKind.HANDED_OVER,
        EventKind.TRACKED,
        EventKind.DELIVERED,
    ]


def test_poll_sandbox_returns_marked_addresses(world, clock, issued):
    shipment = ship(
        issued, world.one_stop, carrier="sandbox", tracking_number="", recipient=recipient(address_line="Số 9 [HOAN]")
    )
    services.poll_sandbox()
    services.poll_sandbox()
    shipment.refresh_from_db()
    assert shipment.status == ShipmentStatus.RETURNED
    note = issued.events.last()
    assert note.action == Action.COMMENT and note.actor is None and "hoàn về" in note.comment


def test_poll_skips_disabled_sandbox(world, clock, issued, settings):
    shipment = ship(issued, world.one_stop, carrier="sandbox", tracking_number="")
    settings.DELIVERY_CARRIERS = ["manual"]
    assert services.poll_sandbox() == 0
    shipment.refresh_from_db()
    assert shipment.status == ShipmentStatus.HANDED_OVER


def test_poll_task_and_command(world, clock, issued):
    from django.core.management import call_command

    from skhcn.delivery.tasks import maybe_enqueue_poll, poll_shipments

    shipment = ship(issued, world.one_stop, carrier="sandbox", tracking_number="")
    assert poll_shipments.call() == 1
    call_command("poll_shipments", "--carrier", "sandbox", stdout=__import__("io").StringIO())
    shipment.refresh_from_db()
    assert shipment.status == ShipmentStatus.DELIVERED
    from django.core.cache import cache

    cache.delete("skhcn:delivery:poll")
    assert maybe_enqueue_poll() is True
    assert maybe_enqueue_poll() is False


def test_resend_after_return(world, clock, issued):
    first = ship(issued, world.one_stop)
    issued.refresh_from_db()
    returned_at = issued.returned_at
    clock.advance(days=3)
    services.record_return(first, world.one_stop, "Sai địa chỉ.")
    issued.refresh_from_db()
    assert services.can_ship(world.one_stop, issued)
    assert not services.can_ship(world.specialist, issued)
    clock.advance(days=1)
    second = ship(issued, world.one_stop, tracking_number="RR473124829VN", recipient=recipient(address_line="Số 14"))
    issued.refresh_from_db()
    assert second.status == ShipmentStatus.HANDED_OVER and second.handed_over_at == clock.moment
    assert issued.status == Status.RETURNED and issued.returned_at == returned_at
    assert "Gửi lại kết quả" in issued.events.last().comment
    # Not a third time while the second is on its way, nor after it was delivered.
    with pytest.raises(DeliveryError) as error:
        ship(issued, world.one_stop, tracking_number="EE000000120VN")
    assert error.value.code == "state"
    services.record_delivery(second, world.one_stop)
    issued.refresh_from_db()
    assert not services.can_ship(world.one_stop, issued)


def test_applicant_is_told_of_shipping_and_delivery(world, clock, issued, django_capture_on_commit_callbacks):
    from django.core import mail

    from skhcn.notifications.constants import Event
    from skhcn.notifications.models import Notification

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        shipment = ship(issued, world.one_stop)
    told = Notification.objects.filter(dossier=issued).exclude(event__in=["assigned"]).order_by("pk")
    # One notification for the shipment, none for the "result returned" the shipment also recorded.
    assert list(told.values_list("event", flat=True))[-1] == Event.SHIPPED
    assert not told.filter(event=Event.RESULT_RETURNED).exists()
    shipped = told.get(event=Event.SHIPPED)
    assert GOOD in shipped.body and "Phường Hợp Giang, Cao Bằng" in shipped.body
    assert mail.outbox[-1].subject == f"Hồ sơ {issued.code}: kết quả đã gửi qua bưu chính"
    clock.advance(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        services.record_delivery(shipment, world.one_stop)
    delivered = Notification.objects.get(dossier=issued, event=Event.DELIVERED)
    assert "đã được phát ngày" in delivered.body and GOOD in delivered.title + delivered.body


def test_refused_shipment_tells_nobody(world, clock, issued):
    from skhcn.notifications.models import Notification

    before = Notification.objects.count()
    with pytest.raises(DeliveryError):
        ship(issued, world.one_stop, tracking_number="EB123456784VN")  # wrong check digit
    assert Notification.objects.count() == before
