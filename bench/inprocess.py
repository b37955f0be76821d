"""Shared set-up of the in-process benchmarks: Django on a throwaway SQLite database with the demo data, and a WSGI
environ for a GET of one page (no network, no wrk sharing the two cores)."""

import io
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36"


def setup_django(prefix: str, **environment: str) -> dict:
    """Django with the test settings on a new data folder, migrated, demo loaded; returns ``load_demo()``."""
    os.environ.update(
        SKHCN_DATA_DIR=tempfile.mkdtemp(prefix=prefix),
        DJANGO_SETTINGS_MODULE="skhcn.settings",
        SKHCN_ENV="test",
        STATIC_MANIFEST="0",
        **environment,
    )
    for name in ("DATABASE_URL", "REDIS_URL"):
        os.environ.pop(name, None)
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from skhcn.portal.demo.loader import load_demo

    return load_demo()


def get_environ(path: str, cookie: str = "", **headers: str) -> dict:
    return {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "HTTP_HOST": "127.0.0.1:8000",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_USER_AGENT": USER_AGENT,
        "HTTP_COOKIE": cookie,
        "wsgi.input": io.BytesIO(),
        "wsgi.url_scheme": "http",
        "wsgi.errors": sys.stderr,
        **headers,
    }
