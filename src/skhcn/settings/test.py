"""pytest (``make test``), the benchmarks and the tests that start real servers (SKHCN_ENV=test).

Like a developer's machine (folders and a generated secret key in the data folder) without the demo sandboxes, so
the defaults are those of a real install. What only pytest's test functions need (visit counts flushed by the tests,
plain static files, staff without a second factor, private files in a temporary folder) stays in ``conftest.py``:
the servers that the benchmarks and the real-process tests start use this module too, and must behave as installed.
"""

import os
import re

# Parallel pytest workers (xdist) must not share a Redis database: the cache's clear() flushes the whole database.
# Worker gwN uses database N+1, and so do the servers its tests start: they inherit the changed environment.
if os.environ.get("REDIS_URL") and (_worker := os.environ.get("PYTEST_XDIST_WORKER", "")).startswith("gw"):
    _database = f"/{int(_worker[2:]) + 1}"
    os.environ["REDIS_URL"] = re.sub(r"(/\d+)?$", _database, os.environ["REDIS_URL"].rstrip("/"), count=1)

from skhcn.environment import TEST, data_folder_secret_key, make_folders  # noqa: E402
from skhcn.settings.base import *  # noqa: E402, F403

SKHCN_ENV = TEST

make_folders(DATA_DIR, STATIC_ROOT)
SECRET_KEY = SECRET_KEY or data_folder_secret_key(DATA_DIR)

# The SQLite test database in this file instead of in memory, when set.
if os.environ.get("SKHCN_TEST_SQLITE_NAME") and DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"]["TEST"] = {"NAME": os.environ["SKHCN_TEST_SQLITE_NAME"]}
