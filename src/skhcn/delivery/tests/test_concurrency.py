"""Two officers handing results to the post at the same moment (PostgreSQL row locks and the unique tracking number;
SQLite serialises writers anyway)."""

import pytest

from skhcn.delivery import services
from skhcn.delivery.models import Shipment
from skhcn.dossiers.constants import Status
from skhcn.dossiers.tests.concurrency_support import POSTGRESQL_ONLY, run_together

from .conftest import issued_dossier
from .test_shipments import GOOD, recipient

pytestmark = [pytest.mark.django_db(transaction=True), POSTGRESQL_ONLY]


def create(dossier, actor, version, number):
    return services.create_shipment(
        dossier, actor, expected_version=version, carrier="manual", tracking_number=number, recipient=recipient()
    )


def test_same_dossier_twice_one_wins(world, clock):
    dossier = issued_dossier(world)
    version = dossier.version
    results, errors = run_together(
        [
            lambda: create(dossier, world.one_stop, version, GOOD),
            lambda: create(dossier, world.admin, version, "RR473124829VN"),
        ]
    )
    assert len(results) == 1 and len(errors) == 1
    assert isinstance(errors[0], services.DeliveryError) and errors[0].code in ("stale", "state")
    dossier.refresh_from_db()
    assert dossier.status == Status.RETURNED and dossier.version == version + 1
    assert Shipment.objects.filter(dossier=dossier).count() == 1


def test_same_number_on_two_dossiers_one_wins(world, clock):
    first, second = issued_dossier(world), issued_dossier(world)
    results, errors = run_together(
        [
            lambda: create(first, world.one_stop, first.version, GOOD),
            lambda: create(second, world.admin, second.version, GOOD),
        ]
    )
    assert len(results) == 1 and len(errors) == 1
    assert isinstance(errors[0], services.DeliveryError) and errors[0].code == "tracking"
    assert Shipment.objects.filter(tracking_number=GOOD).count() == 1
    statuses = sorted(type(first).objects.filter(pk__in=[first.pk, second.pk]).values_list("status", flat=True))
    assert statuses == sorted([Status.RETURNED, Status.RESULT_ISSUED])
