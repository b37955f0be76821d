"""Race tests with real threads and connections: PostgreSQL row locks (SQLite serialises writers anyway)."""

import threading

import pytest
from django.db import connection, connections

POSTGRESQL_ONLY = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs concurrent connections (run with DATABASE_URL=postgres://...)"
)


def run_together(jobs):
    """Run the callables in threads released at the same moment; return (results, errors)."""
    barrier = threading.Barrier(len(jobs))
    results, errors = [], []

    def worker(job):
        try:
            barrier.wait()
            results.append(job())
        except Exception as exc:  # collected for the assertions
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results, errors
