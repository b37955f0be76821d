"""The task worker that ``skhcn.server`` runs: django-tasks-db's worker, made to outlive database outages.

django-tasks-db's ``db_worker`` exits on the first ``OperationalError`` that is not a lock; here the loop logs it,
drops the connection and tries again with growing pauses. A task interrupted by a worker that died (killed, out of
memory, the database gone while it finished) stays "running" in the table; a worker starting on the same machine
puts such tasks back in the queue, so they run again: tasks are at-least-once and written to be repeatable.
"""

import logging
import os
import socket
import time

from django.db import Error as DatabaseError
from django.db import close_old_connections, connections, transaction
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from .resilience import Backoff, FaultLog

logger = logging.getLogger(__name__)


def host_prefix() -> str:
    return socket.gethostname()[:40] + ":"


def worker_id_for(pid: int) -> str:
    """Worker ids name the machine and the process, so a successor can tell which worker died."""
    return f"{host_prefix()}{pid}"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    return True


def requeue_interrupted() -> int:
    """Put back in the queue the tasks left "running" by dead workers of this machine. Returns how many."""
    prefix = host_prefix()
    requeued = 0
    with transaction.atomic():
        running = DBTaskResult.objects.select_for_update().filter(status=TaskResultStatus.RUNNING)
        for result in running.only("id", "worker_ids"):
            last = (result.worker_ids or [""])[-1]
            if not last.startswith(prefix):
                continue  # another machine's worker: only it can tell whether it still runs
            pid = last[len(prefix) :]
            if pid.isdigit() and int(pid) != os.getpid() and not _alive(int(pid)):
                DBTaskResult.objects.filter(pk=result.pk).update(status=TaskResultStatus.READY, started_at=None)
                requeued += 1
    if requeued:
        logger.warning("Đã đưa lại %d tác vụ nền bị gián đoạn (tiến trình xử lý trước đã dừng) vào hàng đợi", requeued)
    return requeued


class ResilientWorker(Worker):
    def run(self) -> None:
        backoff = Backoff(first=0.5, maximum=10.0)
        faults = FaultLog(logger, "Bộ xử lý tác vụ nền (cơ sở dữ liệu)")
        requeued = False
        while self.running:
            began = time.monotonic()
            try:
                connections["default"].ensure_connection()
                faults.succeeded()
                if not requeued:
                    requeue_interrupted()
                    requeued = True
                super().run()
                return  # stopped on request (or --batch / --max-tasks)
            except DatabaseError as exc:
                faults.failed(exc)
                connections.close_all()
                if time.monotonic() - began > 60:  # it had been working: a new outage starts from a short pause
                    backoff.reset()
                delay = backoff.next_delay()
                # Sleep in short steps so that Ctrl+C / SIGTERM still stops the worker at once.
                until = time.monotonic() + delay
                while self.running and time.monotonic() < until:
                    time.sleep(0.1)
                close_old_connections()
