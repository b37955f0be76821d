"""The launcher restarts what exits, the port check, periodic jobs that outlive failures, the resilient task worker."""

import errno
import logging
import os
import socket
import subprocess
import sys
import threading
import time

import pytest
from django.db import OperationalError
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from skhcn import server
from skhcn.core import jobs
from skhcn.core.resilience import Backoff, FaultLog
from skhcn.core.worker import ResilientWorker, requeue_interrupted, worker_id_for
from skhcn.visits.tasks import rollup_visits

PY = sys.executable


def child(name: str, code: str) -> server.Child:
    return server.Child(name, [PY, "-c", code])


@pytest.fixture
def fast_restarts(monkeypatch):
    monkeypatch.setattr(server, "MAX_RESTART_DELAY", 0.2)
    monkeypatch.setattr(server, "QUICK_FAILURE_SECONDS", 5.0)
    monkeypatch.setattr(server, "MAX_QUICK_FAILURES", 3)


def run_rounds(supervisor: server.Supervisor, seconds: float) -> int | None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        result = supervisor.check(time.monotonic())
        if result is not None:
            return result
        time.sleep(0.05)
    return None


def test_a_child_that_exits_is_started_again_and_the_restart_is_logged(fast_restarts, monkeypatch, caplog):
    monkeypatch.setattr(server, "QUICK_FAILURE_SECONDS", 0.2)  # it ran long enough: not a failure at start
    flaky = child("thử", "import time; time.sleep(0.3)")
    steady = child("ổn định", "import time; time.sleep(30)")
    supervisor = server.Supervisor([flaky, steady], dict(os.environ))
    supervisor.start()
    first_pid, steady_pid = flaky.process.pid, steady.process.pid
    try:
        with caplog.at_level(logging.WARNING, logger="skhcn.server"):
            assert run_rounds(supervisor, 1.5) is None
        assert flaky.restarts >= 1 and flaky.process.pid != first_pid
        assert steady.process.pid == steady_pid and steady.restarts == 0  # the others keep running
        assert "Tiến trình thử đã dừng (mã 0" in caplog.text
        assert "Đã khởi động lại tiến trình thử" in caplog.text
    finally:
        supervisor.stop()
    assert not flaky.running() and not steady.running()


def test_a_child_that_keeps_failing_at_start_ends_the_launcher_with_an_error(fast_restarts, caplog):
    broken = child("hỏng", "import sys; sys.exit(2)")
    steady = child("ổn định", "import time; time.sleep(30)")
    supervisor = server.Supervisor([broken, steady], dict(os.environ))
    supervisor.start()
    try:
        with caplog.at_level(logging.ERROR, logger="skhcn.server"):
            assert run_rounds(supervisor, 10) == 1
        assert broken.quick_failures == 3
        assert "dừng ngay sau khi khởi động 3 lần liên tiếp (mã 2)" in caplog.text
    finally:
        supervisor.stop()
    assert not steady.running()


def test_a_child_that_ran_a_while_before_failing_starts_its_count_again(fast_restarts, monkeypatch):
    monkeypatch.setattr(server, "QUICK_FAILURE_SECONDS", 0.2)
    slow_failure = child("chậm", "import time, sys; time.sleep(0.4); sys.exit(1)")
    supervisor = server.Supervisor([slow_failure], dict(os.environ))
    supervisor.start()
    try:
        assert run_rounds(supervisor, 2.5) is None  # never "keeps failing at start"
        assert slow_failure.restarts >= 2 and slow_failure.quick_failures == 0
    finally:
        supervisor.stop()


def test_the_launcher_stops_every_child_on_sigterm_and_exits_zero(tmp_path):
    script = tmp_path / "launch.py"
    script.write_text(
        "import os, sys\n"
        "from skhcn import server\n"
        "kids = [server.Child('a', [sys.executable, '-c', 'import time; time.sleep(60)']),\n"
        "        server.Child('b', [sys.executable, '-c', 'import time; time.sleep(60)'])]\n"
        "sup = server.Supervisor(kids, dict(os.environ))\n"
        "sup.start()\n"
        "print(' '.join(str(k.process.pid) for k in kids), flush=True)\n"
        "sys.exit(sup.run())\n"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    launcher = subprocess.Popen([PY, str(script)], env=env, stdout=subprocess.PIPE, text=True)
    pids = [int(pid) for pid in launcher.stdout.readline().split()]
    time.sleep(0.5)
    launcher.terminate()
    assert launcher.wait(20) == 0
    for pid in pids:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)


def test_children_die_with_a_killed_launcher(tmp_path):
    script = tmp_path / "launch.py"
    script.write_text(
        "import os, sys, time\n"
        "from skhcn import server\n"
        "kid = server.Child('a', [sys.executable, '-c', 'import time; time.sleep(60)'])\n"
        "kid.start(dict(os.environ))\n"
        "print(kid.process.pid, flush=True)\n"
        "time.sleep(60)\n"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    launcher = subprocess.Popen([PY, str(script)], env=env, stdout=subprocess.PIPE, text=True)
    pid = int(launcher.stdout.readline())
    launcher.kill()
    launcher.wait(10)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.05)
    else:
        pytest.fail("the child outlived its launcher")


# --- the port check -----------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_port_where_a_server_listens_is_refused():
    with socket.socket() as listener:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        assert not server.port_is_free("127.0.0.1", listener.getsockname()[1])


def test_a_port_with_connections_in_time_wait_is_free_for_a_restart():
    port = free_port()
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", port))
    listener.listen()
    client = socket.create_connection(("127.0.0.1", port))
    accepted, _ = listener.accept()
    accepted.close()  # the server closes first: its side of the connection waits in TIME_WAIT on the port
    time.sleep(0.1)
    client.close()
    listener.close()
    # A plain bind (what the old check did) still fails: the test really has a connection in TIME_WAIT.
    with socket.socket() as plain, pytest.raises(OSError) as refused:
        plain.bind(("127.0.0.1", port))
    assert refused.value.errno == errno.EADDRINUSE
    assert server.port_is_free("127.0.0.1", port)


def test_the_launcher_says_when_the_port_is_taken(monkeypatch, capsys):
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        monkeypatch.setenv("PORT", str(listener.getsockname()[1]))
        monkeypatch.setenv("HOST", "127.0.0.1")
        assert server.main() == 1
    assert "đang được một chương trình khác dùng" in capsys.readouterr().err


# --- periodic jobs --------------------------------------------------------------------------------------------------


def test_a_failing_job_is_retried_sooner_and_logged_once_until_it_recovers(caplog):
    calls = []

    def flaky():
        calls.append(1)
        if len(calls) <= 3:
            raise OperationalError("server closed the connection unexpectedly")

    job = jobs.PeriodicJob("thử", flaky, every=60)
    with caplog.at_level(logging.WARNING, logger="skhcn.core.jobs"):
        assert job.run(now=0) is False
        assert job.next_run == 1  # 1 s, not a minute
        assert job.run(now=1) is False
        assert job.next_run == 3
        assert job.run(now=3) is False
        assert job.run(now=7) is True
    assert job.next_run == 67
    assert caplog.text.count("thất bại; sẽ thử lại") == 1
    assert "đã chạy lại được" in caplog.text


def test_run_due_runs_only_the_jobs_whose_time_has_come():
    ran = []
    early = jobs.PeriodicJob("a", lambda: ran.append("a"), every=5)
    late = jobs.PeriodicJob("b", lambda: ran.append("b"), every=60, next_run=100)
    assert jobs.run_due([early, late], now=10) == 15
    assert ran == ["a"]


def test_every_app_registers_its_jobs_with_core():
    names = {job.name for job in jobs.registered()}
    assert {
        "visits.rollup",
        "portal.publish_scheduled",
        "dossiers.due_reminders",
        "payments.reconcile",
        "delivery.poll",
        "notifications.requeue",
    } <= names


def test_backoff_doubles_up_to_its_maximum():
    backoff = Backoff(first=1, maximum=5)
    assert [backoff.next_delay() for _ in range(5)] == [1, 2, 4, 5, 5]
    backoff.reset()
    assert backoff.next_delay() == 1


def test_fault_log_repeats_at_most_once_a_minute(caplog, monkeypatch):
    clock = [1000.0]
    monkeypatch.setattr(time, "monotonic", lambda: clock[0])
    log = FaultLog(logging.getLogger("skhcn.test"), "Việc thử")
    with caplog.at_level(logging.WARNING, logger="skhcn.test"):
        for _ in range(30):
            log.failed(RuntimeError("down"))
            clock[0] += 1
        clock[0] += 60
        log.failed(RuntimeError("down"))
    assert caplog.text.count("Việc thử") == 2


# --- the task worker ------------------------------------------------------------------------------------------------


def dead_pid() -> int:
    process = subprocess.Popen([PY, "-c", "pass"])
    process.wait()
    return process.pid


def running_task(worker_id: str) -> DBTaskResult:
    result = rollup_visits.using(backend="default").enqueue()
    DBTaskResult.objects.filter(pk=result.id).update(status=TaskResultStatus.RUNNING, worker_ids=[worker_id])
    return DBTaskResult.objects.get(pk=result.id)


@pytest.mark.django_db
def test_tasks_left_running_by_a_dead_worker_of_this_machine_go_back_to_the_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    orphan = running_task(worker_id_for(dead_pid()))
    alive = running_task(worker_id_for(os.getppid()))
    elsewhere = running_task("another-host:12345")
    assert requeue_interrupted() == 1
    assert DBTaskResult.objects.get(pk=orphan.pk).status == TaskResultStatus.READY
    assert DBTaskResult.objects.get(pk=alive.pk).status == TaskResultStatus.RUNNING
    assert DBTaskResult.objects.get(pk=elsewhere.pk).status == TaskResultStatus.RUNNING


def resilient_worker() -> ResilientWorker:
    return ResilientWorker(
        queue_names=["default"],
        interval=0,
        batch=False,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test:1",
        excluded_queue_names=[],
    )


def test_the_worker_survives_a_lost_database_and_carries_on(monkeypatch, caplog):
    attempts = []

    def flaky_run(self):
        attempts.append(time.monotonic())
        if len(attempts) < 3:
            raise OperationalError("terminating connection due to administrator command")
        self.running = False  # a clean stop after the outage

    monkeypatch.setattr(Worker, "run", flaky_run)
    monkeypatch.setattr("skhcn.core.worker.requeue_interrupted", lambda: 0)
    monkeypatch.setattr("django.db.backends.base.base.BaseDatabaseWrapper.ensure_connection", lambda self: None)
    worker = resilient_worker()
    with caplog.at_level(logging.WARNING, logger="skhcn.core.worker"):
        worker.run()
    assert len(attempts) == 3
    assert attempts[2] - attempts[1] >= attempts[1] - attempts[0] >= 0.4  # growing pauses
    assert "Bộ xử lý tác vụ nền (cơ sở dữ liệu) thất bại" in caplog.text


def test_sigterm_stops_the_worker_while_it_waits_to_retry(monkeypatch):
    def always_down(self):
        raise OperationalError("connection refused")

    monkeypatch.setattr(Worker, "run", always_down)
    monkeypatch.setattr("skhcn.core.worker.requeue_interrupted", lambda: 0)
    monkeypatch.setattr("django.db.backends.base.base.BaseDatabaseWrapper.ensure_connection", lambda self: None)
    worker = resilient_worker()
    threading.Timer(0.3, lambda: setattr(worker, "running", False)).start()
    began = time.monotonic()
    worker.run()
    assert time.monotonic() - began < 2
