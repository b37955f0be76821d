"""Exactness of visit counting against the real server: several worker processes, concurrent clients.

The server runs as `make run` runs it (granian, several workers) on its own database (a temporary SQLite file, or
a temporary PostgreSQL database + a separate Redis database when DATABASE_URL / REDIS_URL are set). The flush
interval is set far beyond the test's length, so every count below reached the database through the flush on
clean shutdown.
"""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from multiprocessing import Pool
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROME = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36"
GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
DISTINCT_VISITORS = 90
REPEATS = 30
BOT_REQUESTS = 12


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str, user_agent: str) -> int:
    request = urllib.request.Request(url, headers={"User-Agent": user_agent})
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - loopback only
        response.read()
        return response.status


def _client_batch(args):
    """One client process: its share of distinct visitors, fired from threads at once."""
    base, first, count = args
    with ThreadPoolExecutor(max_workers=10) as pool:
        return list(pool.map(lambda n: _get(base + "/", f"{CHROME} client/{n}"), range(first, first + count)))


@pytest.fixture
def server_env(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env.update(
        SKHCN_DATA_DIR=str(tmp_path),
        DJANGO_SETTINGS_MODULE="skhcn.settings",
        PYTHONPATH=str(ROOT / "src"),
        STATIC_MANIFEST="0",
        VISITS_FLUSH_SECONDS="600",
        VISITS_REDIS_PREFIX=f"skhcn-exact:{uuid.uuid4().hex}:",
    )
    database = None
    if os.environ.get("DATABASE_URL"):
        import psycopg

        database = f"skhcn_exact_{uuid.uuid4().hex[:10]}"
        admin_url = os.environ["DATABASE_URL"]
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{database}"')
        env["DATABASE_URL"] = admin_url.rsplit("/", 1)[0] + "/" + database
    if os.environ.get("REDIS_URL"):
        env["REDIS_URL"] = os.environ["REDIS_URL"].rsplit("/", 1)[0] + "/15"
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], env=env, check=True)
    subprocess.run([*manage, "load_demo"], env=env, check=True, capture_output=True)
    yield env, manage
    if database:
        import psycopg

        with psycopg.connect(os.environ["DATABASE_URL"], autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def test_concurrent_visits_from_several_processes_add_up_exactly(server_env):
    from skhcn.server import granian_command

    env, manage = server_env
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(granian_command("127.0.0.1", port, workers=3), env=env, cwd=ROOT)
    try:
        for _ in range(100):
            try:
                _get(base + "/robots.txt", CHROME)
                break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail("server did not start")

        # Distinct visitors, concurrently, from three client processes.
        chunk = DISTINCT_VISITORS // 3
        with Pool(3) as pool:
            statuses = sum(pool.map(_client_batch, [(base, i * chunk, chunk) for i in range(3)]), [])
        assert statuses == [200] * DISTINCT_VISITORS

        # One visitor (same address, same browser) repeating itself inside the visit window, concurrently.
        assert _get(base + "/", f"{CHROME} repeated") == 200
        with ThreadPoolExecutor(max_workers=10) as pool:
            list(pool.map(lambda _: _get(base + "/tin-tuc-su-kien/", f"{CHROME} repeated"), range(REPEATS - 1)))

        # A search-engine bot.
        with ThreadPoolExecutor(max_workers=4) as pool:
            list(pool.map(lambda _: _get(base + "/", GOOGLEBOT), range(BOT_REQUESTS)))
    finally:
        server.send_signal(signal.SIGTERM)  # a clean stop flushes every worker's buffer
        server.wait(timeout=60)

    subprocess.run(
        [*manage, "shell", "-c", "from skhcn.visits.tasks import rollup_visits; rollup_visits.call()"],
        env=env,
        check=True,
    )
    script = (
        "import json; from django.db.models import Sum; from skhcn.visits.models import HourlyTraffic as H; "
        "print(json.dumps(H.objects.aggregate(v=Sum('visits'), b=Sum('bot_visits'), p=Sum('page_views'), "
        "bp=Sum('bot_page_views'))))"
    )
    out = subprocess.run([*manage, "shell", "-c", script], env=env, check=True, capture_output=True, text=True)
    totals = json.loads(out.stdout.strip().splitlines()[-1])
    assert totals == {
        "v": DISTINCT_VISITORS + 1,
        "b": 1,
        "p": DISTINCT_VISITORS + REPEATS,
        "bp": BOT_REQUESTS,
    }
