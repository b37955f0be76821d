"""The launcher: the web server and the background processes, each restarted when it exits.

Runs three children: granian (WSGI; it respawns a web worker that dies), the task worker (``run_worker``) and the
scheduler (``run_scheduler``). A child that exits is started again after a pause that doubles on each quick failure
(1, 2, 4 … 30 s). The launcher ends only on Ctrl+C / SIGTERM (exit 0), or with exit 1 when a child fails
``MAX_QUICK_FAILURES`` times in a row within ``QUICK_FAILURE_SECONDS`` of its start: a configuration error that no
restart can fix. Children also receive SIGTERM if the launcher itself is killed.

Used by ``make run`` (the local demo) and by the systemd unit in ``deploy/`` (production).
"""

import ctypes
import logging
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

PYTHON = sys.executable
MANAGE = [PYTHON, str(Path(__file__).resolve().parents[2] / "manage.py")]

QUICK_FAILURE_SECONDS = 10.0  # a child that exits sooner than this after its start "failed at start"
MAX_QUICK_FAILURES = 5
MAX_RESTART_DELAY = 30.0
STOP_TIMEOUT = 15.0

logger = logging.getLogger("skhcn.server")


def granian_command(host: str, port: int, workers: int) -> list[str]:
    return [
        PYTHON,
        "-m",
        "granian",
        "--interface",
        "wsgi",
        "--host",
        host,
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--blocking-threads",
        "1",
        "--backlog",
        "2048",
        "--no-ws",
        # A web worker that dies (out of memory, killed) is replaced; the other workers keep serving meanwhile.
        "--respawn-failed-workers",
        "--respawn-interval",
        "1",
        "--log-level",
        "warning",
        "skhcn.wsgi:application",
    ]


def port_is_free(host: str, port: int) -> bool:
    """False when a server listens on the port. granian binds with SO_REUSEPORT, so a second server on a busy port
    would silently share it with the first. SO_REUSEADDR lets the probe bind past connections of a server that just
    stopped (TIME_WAIT, up to a minute), while a listening socket still makes the bind fail."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def _die_with_parent() -> None:
    """In the child, before exec: receive SIGTERM when the launcher dies, even by SIGKILL (Linux prctl)."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # 1 = PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux: the service manager cleans up instead
        pass


@dataclass
class Child:
    name: str  # as shown in the log (Vietnamese)
    command: list[str]
    process: subprocess.Popen | None = None
    started_at: float = 0.0
    quick_failures: int = 0  # consecutive exits within QUICK_FAILURE_SECONDS of the start
    restart_at: float | None = None
    restarts: int = field(default=0)

    def start(self, env: dict) -> None:
        self.process = subprocess.Popen(self.command, env=env, preexec_fn=_die_with_parent)
        self.started_at = time.monotonic()
        self.restart_at = None

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None


class Supervisor:
    def __init__(self, children: list[Child], env: dict):
        self.children = children
        self.env = env
        self.stopping = False

    def start(self) -> None:
        for child in self.children:
            if child.process is None:
                child.start(self.env)

    def check(self, now: float) -> int | None:
        """One round: notice exits, schedule and perform restarts. Returns an exit code when the launcher must end."""
        for child in self.children:
            if child.process is not None and child.restart_at is None and child.process.poll() is not None:
                code = child.process.returncode
                lived = now - child.started_at
                child.quick_failures = child.quick_failures + 1 if lived < QUICK_FAILURE_SECONDS else 0
                if child.quick_failures >= MAX_QUICK_FAILURES:
                    logger.error(
                        "Tiến trình %s dừng ngay sau khi khởi động %d lần liên tiếp (mã %s): có lẽ cấu hình sai; "
                        "dừng toàn bộ.",
                        child.name,
                        child.quick_failures,
                        code,
                    )
                    return 1
                delay = min(MAX_RESTART_DELAY, 2 ** max(0, child.quick_failures - 1))
                logger.warning(
                    "Tiến trình %s đã dừng (mã %s, sau %.1f giây); khởi động lại sau %g giây.",
                    child.name,
                    code,
                    lived,
                    delay,
                )
                child.restart_at = now + delay
            if child.restart_at is not None and now >= child.restart_at:
                child.restarts += 1
                child.start(self.env)
                logger.warning("Đã khởi động lại tiến trình %s (lần %d).", child.name, child.restarts)
        return None

    def stop(self) -> None:
        self.stopping = True
        for child in self.children:
            if child.running():
                child.process.terminate()
        deadline = time.monotonic() + STOP_TIMEOUT
        for child in self.children:
            if child.process is None:
                continue
            try:
                child.process.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.process.kill()
                child.process.wait()

    def run(self) -> int:
        def request_stop(*_):
            self.stopping = True

        signal.signal(signal.SIGTERM, request_stop)
        signal.signal(signal.SIGINT, request_stop)
        self.start()
        code = 0
        while not self.stopping:
            result = self.check(time.monotonic())
            if result is not None:
                code = result
                break
            time.sleep(0.2)
        self.stop()
        return code


def children_for(host: str, port: int, workers: int) -> list[Child]:
    return [
        Child("web (granian)", granian_command(host, port, workers)),
        Child("xử lý tác vụ nền (run_worker)", [*MANAGE, "run_worker", "--interval", "1", "--verbosity", "0"]),
        Child("lịch định kỳ (run_scheduler)", [*MANAGE, "run_scheduler"]),
    ]


def main() -> int:
    logging.basicConfig(format="%(asctime)s %(name)s %(levelname)s: %(message)s", level=logging.INFO)
    host = os.environ.get("HOST", "127.0.0.1")
    port = int(os.environ.get("PORT", "8000"))
    if not port_is_free(host, port):
        print(
            f"Cổng {port} trên {host} đang được một chương trình khác dùng (có thể skhcn đang chạy rồi). "
            "Hãy dừng chương trình đó hoặc chạy với PORT=8001 make run.",
            file=sys.stderr,
        )
        return 1
    workers = int(os.environ.get("WEB_WORKERS", max(2, os.cpu_count() or 2)))
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "skhcn.settings", "PYTHONPATH": str(Path(__file__).parents[1])}
    supervisor = Supervisor(children_for(host, port, workers), env)
    if os.environ.get("SKHCN_ENV", "") == "local":
        print(
            "Đây là bản chạy thử trên máy (SKHCN_ENV=local: dữ liệu mẫu, cổng thanh toán và SMS thử nghiệm). "
            "Máy chủ thật: xem docs/trien-khai.md và docs/van-hanh.md.",
            flush=True,
        )
    print(
        f"skhcn đang chạy tại http://{host}:{port}/ (quản trị: http://{host}:{port}/admin/). Nhấn Ctrl+C để dừng.",
        flush=True,
    )
    return supervisor.run()


if __name__ == "__main__":
    sys.exit(main())
