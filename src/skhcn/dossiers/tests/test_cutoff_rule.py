"""The afternoon cut-off per rule set: "received after 15:00 counts from the next working day" applies to the
procedures the set's ``cutoff_scope`` names (by default only same-day procedures, processing time 0); elsewhere
counting starts from the day of receipt."""

import dataclasses
from datetime import datetime, time
from types import SimpleNamespace

import pytest

from skhcn.deadlines.calendar import TZ
from skhcn.dossiers.constants import Status
from skhcn.dossiers.documents.formsets import FORM_SETS, CutoffScope, form_set_for
from skhcn.dossiers.workflow import timing

from .workflow_support import dossier_at, submitted_dossier


def end_of(y, m, d):
    return datetime(y, m, d, 17, 0, tzinfo=TZ)


@pytest.mark.parametrize("key", sorted(FORM_SETS))
def test_every_set_states_its_scope_and_basis(key):
    form_set = FORM_SETS[key]
    assert form_set.receipt_cutoff == time(15, 0)
    assert form_set.cutoff_scope == CutoffScope.SAME_DAY
    assert "Nghị định" in form_set.cutoff_basis and "cấu hình" in form_set.cutoff_basis


@pytest.mark.parametrize(
    ("scope", "processing_time", "expected"),
    [
        (CutoffScope.SAME_DAY, 0, time(15, 0)),
        (CutoffScope.SAME_DAY, 1, None),
        (CutoffScope.SAME_DAY, 15, None),
        (CutoffScope.ALL, 0, time(15, 0)),
        (CutoffScope.ALL, 15, time(15, 0)),
        (CutoffScope.NONE, 0, None),
        (CutoffScope.NONE, 15, None),
    ],
)
def test_cutoff_for(scope, processing_time, expected):
    form_set = dataclasses.replace(FORM_SETS["tt03-2025"], cutoff_scope=scope)
    assert form_set.cutoff_for(SimpleNamespace(processing_time=processing_time)) == expected


def _scope(monkeypatch, scope):
    key = form_set_for(datetime(2026, 3, 2, tzinfo=TZ)).key
    monkeypatch.setitem(FORM_SETS, key, dataclasses.replace(FORM_SETS[key], cutoff_scope=scope))


def test_same_day_procedure_received_at_15_30_is_due_the_next_working_day(world, clock):
    world.procedure.processing_time, world.procedure.step_budgets = 0, ""
    world.procedure.save()
    clock.set(2026, 3, 2, 15, 30)  # Monday
    dossier = dossier_at(Status.RECEIVED, world)
    assert dossier.due_at == dossier.original_due_at == end_of(2026, 3, 3)
    clock.set(2026, 3, 2, 14, 59)
    assert dossier_at(Status.RECEIVED, world).due_at == end_of(2026, 3, 2)


def test_15_working_day_procedure_at_15_30_counts_from_that_day(world, clock):
    clock.set(2026, 3, 2, 15, 30)  # Monday, the same due date as a morning receipt
    dossier = dossier_at(Status.RECEIVED, world)
    assert dossier.due_at == end_of(2026, 3, 23)
    assert timing.step_due_times(dossier) == [end_of(2026, 3, 4), end_of(2026, 3, 18), end_of(2026, 3, 23)]


def test_scope_all_moves_every_procedure_to_the_next_day(world, clock, monkeypatch):
    _scope(monkeypatch, CutoffScope.ALL)
    clock.set(2026, 3, 2, 15, 30)
    dossier = dossier_at(Status.RECEIVED, world)
    assert dossier.due_at == end_of(2026, 3, 24)
    assert timing.step_due_times(dossier) == [end_of(2026, 3, 5), end_of(2026, 3, 19), end_of(2026, 3, 24)]


def test_scope_none_never_moves_a_same_day_procedure(world, clock, monkeypatch):
    _scope(monkeypatch, CutoffScope.NONE)
    world.procedure.processing_time, world.procedure.step_budgets = 0, ""
    world.procedure.save()
    clock.set(2026, 3, 2, 16, 30)
    assert dossier_at(Status.RECEIVED, world).due_at == end_of(2026, 3, 2)


def test_provisional_date_at_submission_follows_the_scope(world, clock, monkeypatch):
    clock.set(2026, 3, 2, 15, 30)
    dossier = submitted_dossier(world)
    assert timing.provisional_return(dossier, clock()) == end_of(2026, 3, 23)
    world.procedure.processing_time, world.procedure.step_budgets = 0, ""
    world.procedure.save()
    assert timing.provisional_return(dossier, clock()) == end_of(2026, 3, 3)
    _scope(monkeypatch, CutoffScope.ALL)
    world.procedure.processing_time = 15
    assert timing.provisional_return(dossier, clock()) == end_of(2026, 3, 24)
