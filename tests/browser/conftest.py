"""Browser tests run against a live server, so they use transactional databases, which are flushed after each test.

The flush also empties what the migrations created (Wagtail's root page, the default site), and the next browser
test would start without them. ``serialized_rollback`` restores that data at the start of every browser test, so
the tests do not depend on their order.
"""

import pytest


def pytest_collection_modifyitems(items):
    for item in items:
        marker = item.get_closest_marker("django_db")
        if (
            item.get_closest_marker("browser")
            and marker is not None
            and marker.kwargs.get("transaction")
            and "serialized_rollback" not in marker.kwargs
        ):
            item.add_marker(pytest.mark.django_db(*marker.args, **marker.kwargs, serialized_rollback=True))
