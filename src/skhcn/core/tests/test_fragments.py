"""Live fragments: a provider that fails shows its last output (or nothing) instead of breaking the page."""

import pytest
from django.db import OperationalError
from django.test import RequestFactory

from skhcn.core import fragments


@pytest.fixture
def flaky_provider():
    state = {"fail": False, "value": "12"}

    @fragments.provider("test_flaky", same_for_everyone=True)
    def flaky(request, arg):
        if state["fail"]:
            raise OperationalError("the database is restarting")
        return f"<b>{state['value']}:{arg}</b>"

    @fragments.provider("test_private")
    def private(request, arg):
        if state["fail"]:
            raise OperationalError("the database is restarting")
        return "per-visitor"

    yield state
    fragments._providers.pop("test_flaky")
    fragments._providers.pop("test_private")
    fragments._reusable.discard("test_flaky")


def render(html: str) -> str:
    return fragments.render(RequestFactory().get("/"), fragments.split(html.encode())).decode()


def test_a_failing_public_fragment_shows_its_last_output(flaky_provider, caplog):
    page = f"<p>{fragments.marker('test_flaky', 7)}</p>"
    assert render(page) == "<p><b>12:7</b></p>"
    flaky_provider.update(fail=True)
    assert render(page) == "<p><b>12:7</b></p>"
    assert "Không lấy được phần động test_flaky:7" in caplog.text
    flaky_provider.update(fail=False, value="13")
    assert render(page) == "<p><b>13:7</b></p>"


def test_a_failing_fragment_never_seen_before_is_left_empty(flaky_provider):
    flaky_provider.update(fail=True)
    assert render(f"<p>{fragments.marker('test_flaky', 8)}</p>") == "<p></p>"


def test_per_visitor_fragments_are_never_reused_for_someone_else(flaky_provider):
    page = f"<p>{fragments.marker('test_private', 1)}</p>"
    assert render(page) == "<p>per-visitor</p>"
    flaky_provider.update(fail=True)
    with pytest.raises(OperationalError):
        render(page)
