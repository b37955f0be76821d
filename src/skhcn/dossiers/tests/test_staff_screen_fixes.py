"""Fixes found by the staff end-to-end browser test (tests/browser/test_staff_browser.py), one test each."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from skhcn.dossiers.constants import Action, Status
from skhcn.dossiers.workflow.handoffs import APPLICANT_UNIT, ONE_STOP_UNIT

from .workflow_support import act, dossier_at

pytestmark = pytest.mark.django_db


def test_breadcrumbs_do_not_link_the_current_page(client, world, clock):
    """The last breadcrumb item is the page itself: plain text, not ``<a href="">`` (a link that reloads the page,
    announced as a link by screen readers)."""
    dossier = dossier_at(Status.RECEIVED, world)
    client.force_login(world.one_stop)
    pages = [
        reverse("dossiers_staff:index"),
        reverse("dossiers_staff:queue", kwargs={"queue": "tat-ca"}),
        reverse("dossiers_staff:detail", kwargs={"pk": dossier.pk}),
        reverse("dossiers_staff:action", kwargs={"pk": dossier.pk, "action": Action.TRANSFER}),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        content = response.content.decode()
        assert 'href=""' not in content, url
        trail = re.search(r'<nav[^>]*aria-label="[^"]*"[^>]*>\s*<ol.*?</ol>', content, re.S)
        assert trail, url
        assert "Hồ sơ một cửa" in trail.group(0)


def test_control_slip_names_no_staff_giver_for_the_applicant(client, world, clock):
    """The first row (applicant -> one-stop) was signed "Người giao: <the receiving officer>"; so was a supplement
    handed in at the desk. The applicant's rows name no staff giver; staff rows still name the staff who act."""
    dossier = dossier_at(Status.ASSIGNED, world)  # receive, transfer, assign
    dossier = act(dossier, Action.REQUEST_SUPPLEMENT, world.specialist, world=world)
    dossier = act(dossier, Action.SUPPLY, world.one_stop, world=world)  # paper supplement recorded at the desk
    rows = list(dossier.handoffs.order_by("given_at", "id"))
    assert [(r.from_unit, r.from_user) for r in rows] == [
        (APPLICANT_UNIT, None),  # receive, by the one-stop officer
        (ONE_STOP_UNIT, world.one_stop),  # transfer
        (world.division.name, world.head),  # assign
        (world.division.name, world.specialist),  # supplement request
        (APPLICANT_UNIT, None),  # supply, recorded by the one-stop officer
    ]

    client.force_login(world.one_stop)
    content = client.get(reverse("dossiers_staff:detail", kwargs={"pk": dossier.pk})).content.decode()
    slip = content[content.index("data-handoffs") :]
    assert f"{APPLICANT_UNIT} (" not in slip
    assert f"{ONE_STOP_UNIT} (" in slip
