import pytest
from hypothesis import settings as hypothesis_settings

# Property tests check behaviour, not speed: on two cores shared with a parallel run, Hypothesis' default 200 ms
# deadline per example fails tests at random.
hypothesis_settings.register_profile("skhcn", deadline=None)
hypothesis_settings.load_profile("skhcn")
# The settings are those of SKHCN_ENV=test (pyproject.toml sets it; skhcn.settings.test gives each parallel worker its
# own Redis database). The fixtures below change them for the test functions only.


@pytest.fixture(scope="session")
def _private_files_root(tmp_path_factory):
    return tmp_path_factory.mktemp("private")


@pytest.fixture(autouse=True)
def _plain_static_storage(settings, _private_files_root):
    """Tests need no collectstatic run: serve static files without the hashed manifest.

    Visit counts are flushed by the tests themselves, not by a background thread. Private (dossier) files go to a
    temporary folder, never into the data folder.
    """
    from skhcn.visits.buffer import buffer

    settings.VISITS_FLUSH_SECONDS = 0
    settings.STAFF_2FA_REQUIRED = False  # tests log staff in with force_login; the 2FA tests switch it back on
    buffer.discard()
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(_private_files_root), "base_url": None},
        },
    }
    settings.PRIVATE_MEDIA_ROOT = _private_files_root


def _clear_keyed_caches():
    """Per-process maps keyed by the content generation: test databases roll back to the same generation value."""
    from skhcn.core import pages
    from skhcn.portal import middleware, queries
    from skhcn.visits.identity import identities

    pages._cache.clear()
    queries._root_cache.clear()
    middleware._cache.clear()
    identities.reset()


@pytest.fixture(autouse=True)
def _fresh_process_caches():
    """Each test starts with empty process-local caches (page cache, fragments, content generation)."""
    from django.core.cache import caches

    from skhcn.core import generation, localcache, throttle
    from skhcn.core.pagecache import page_cache
    from skhcn.deadlines import services as deadlines

    page_cache.clear()
    localcache.clear_all()
    _clear_keyed_caches()
    caches["local"].clear()
    caches["default"].clear()
    throttle.storages.reset()
    generation.forget()
    deadlines.forget()  # the cached working calendar: rolled-back tests fire no signals
    yield
    page_cache.clear()
    generation.forget()


CLOSED_REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1: every call fails at once


@pytest.fixture
def redis_down(settings):
    """A context manager: inside it the shared cache and the throttle storage are a Redis that does not answer.

    Sessions are kept in the database there (cached_db sessions need the cache; moving them is not these tests'
    subject): the tests show what the lockout and the throttles do on their own.
    """
    from django.test import override_settings

    caches = {
        **settings.CACHES,
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CLOSED_REDIS_URL},
    }
    return override_settings(
        CACHES=caches, THROTTLE_STORAGE_URL=CLOSED_REDIS_URL, SESSION_ENGINE="django.contrib.sessions.backends.db"
    )


@pytest.fixture
def site_tree(db):
    """Home page, "Tin tức sự kiện" and its child "Khoa học & công nghệ"."""
    from skhcn.portal.tests.factories import CategoryPageFactory, HomePageFactory

    home = HomePageFactory()
    news = CategoryPageFactory(parent=home, title="Tin tức sự kiện")
    science = CategoryPageFactory(parent=news, title="Khoa học & công nghệ")
    return {"home": home, "news": news, "science": science}


def pytest_collection_modifyitems(items):
    """Transactional tests flush the whole database when they end, including what the migrations created
    (Wagtail's root page, site and collection, the staff groups), so any test after them in the same worker would
    fail. They are marked ``transactional`` and run by ``make test`` in a second, serial pass; each restores the
    migrations' data at its start (``serialized_rollback``)."""
    for item in items:
        marker = item.get_closest_marker("django_db")
        if marker is None or not marker.kwargs.get("transaction"):
            continue
        item.add_marker(pytest.mark.transactional)
        if "serialized_rollback" not in marker.kwargs:
            # Prepended: pytest-django reads the first django_db marker of the test.
            serialized = pytest.mark.django_db(*marker.args, **marker.kwargs, serialized_rollback=True)
            item.add_marker(serialized, append=False)
