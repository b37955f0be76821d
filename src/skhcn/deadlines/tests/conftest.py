import pytest


@pytest.fixture(autouse=True)
def _fresh_calendar():
    """Test databases roll back without signals: never keep a calendar built from another test's rows."""
    from skhcn.deadlines import services

    services.forget()
    yield
    services.forget()
