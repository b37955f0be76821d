"""Fixes found by the staff end-to-end browser test (tests/browser/test_staff_browser.py), one test each."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from skhcn.dossiers.constants import Action, Status

from .workflow_support import dossier_at

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
