"""Two officers acting on one dossier at the same moment, with real threads and connections (PostgreSQL row locks;
SQLite serialises writers anyway): one wins, the other is refused with the stale-version message."""

import pytest

from skhcn.dossiers import workflow
from skhcn.dossiers.constants import Action, Status
from skhcn.dossiers.models import Dossier, DossierEvent, ResultSerial

from .concurrency_support import POSTGRESQL_ONLY, run_together
from .factories import pdf_upload
from .workflow_support import dossier_at, submitted_dossier

pytestmark = [
    pytest.mark.django_db(transaction=True),
    POSTGRESQL_ONLY,
]


def test_receive_and_refuse_at_once_one_wins(world):
    dossier = submitted_dossier(world)
    version = dossier.version
    results, errors = run_together(
        [
            lambda: workflow.perform(dossier.pk, Action.RECEIVE, world.one_stop, expected_version=version).status,
            lambda: (
                workflow.perform(
                    dossier.pk, Action.REFUSE_INTAKE, world.admin, expected_version=version, comment="Không hợp lệ"
                ).status
            ),
        ]
    )
    assert len(results) == 1 and len(errors) == 1
    assert isinstance(errors[0], workflow.WorkflowError) and errors[0].code == "stale"
    dossier.refresh_from_db()
    assert dossier.status == results[0]
    assert dossier.version == version + 1
    assert DossierEvent.objects.filter(dossier=dossier).count() == 1


def test_concurrent_issues_get_distinct_result_numbers(world):
    dossiers = [dossier_at(Status.APPROVED, world) for _ in range(4)]
    jobs = [
        lambda d=d: (
            workflow.perform(
                d.pk, Action.ISSUE_RESULT, world.clerk, expected_version=d.version, files=[pdf_upload()]
            ).result_number
        )
        for d in dossiers
    ]
    results, errors = run_together(jobs)
    assert errors == []
    assert sorted(results) == [f"{n}/2026/KQ-SKHCN" for n in range(1, 5)] or len(set(results)) == 4
    assert ResultSerial.objects.get().last_value == 4


def test_same_action_twice_at_once(world):
    dossier = dossier_at(Status.RECEIVED, world)
    version = dossier.version
    results, errors = run_together(
        [
            lambda u=u: (
                workflow.perform(
                    dossier.pk, Action.TRANSFER, u, expected_version=version, division=world.division
                ).version
            )
            for u in (world.one_stop, world.admin)
        ]
    )
    assert results == [version + 1]
    assert [e.code for e in errors] == ["stale"]
    assert Dossier.objects.get(pk=dossier.pk).handoffs.filter(finished_at=None).count() == 1


def test_concurrent_receipts_get_consecutive_register_numbers(world):
    from skhcn.dossiers.models import IssuedPaper, PaperSerial

    dossiers = [submitted_dossier(world) for _ in range(6)]
    jobs = [
        lambda d=d: workflow.perform(d.pk, Action.RECEIVE, world.one_stop, expected_version=d.version).register_serial
        for d in dossiers
    ]
    results, errors = run_together(jobs)
    assert errors == []
    assert sorted(results) == [1, 2, 3, 4, 5, 6]
    numbers = sorted(IssuedPaper.objects.filter(kind="receipt").values_list("serial", flat=True))
    assert numbers == [1, 2, 3, 4, 5, 6]
    assert PaperSerial.objects.get(kind="receipt").last_value == 6
    # Each dossier's form 01 carries its own register row.
    for dossier in Dossier.objects.filter(pk__in=[d.pk for d in dossiers]):
        assert dossier.papers.get(kind="receipt").serial == dossier.register_serial


def test_concurrent_requests_of_different_kinds_number_apart(world):
    from skhcn.dossiers.models import IssuedPaper

    asked = [submitted_dossier(world) for _ in range(4)]
    refused = [submitted_dossier(world) for _ in range(3)]
    jobs = [
        lambda d=d: (
            workflow.perform(
                d.pk,
                Action.REQUEST_COMPLETION,
                world.one_stop,
                expected_version=d.version,
                comment="Thiếu đơn",
                reason="Chưa đủ thành phần",
            ).status
        )
        for d in asked
    ] + [
        lambda d=d: (
            workflow.perform(
                d.pk, Action.REFUSE_INTAKE, world.admin, expected_version=d.version, comment="Không thuộc thẩm quyền"
            ).status
        )
        for d in refused
    ]
    results, errors = run_together(jobs)
    assert errors == []
    numbers = set(IssuedPaper.objects.values_list("number", flat=True))
    assert numbers == {f"{n}/PYCBS-SKHCN" for n in range(1, 5)} | {f"{n}/PTCTN-SKHCN" for n in range(1, 4)}
