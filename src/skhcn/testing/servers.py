"""Private PostgreSQL and Redis servers for tests that stop, restart and kill them (faults for real).

Each server lives in its own temporary folder on a free port, so a test can do to it what an outage does without
touching the shared services. PostgreSQL runs as the ``postgres`` user when the tests run as root (``initdb``
refuses root).
"""

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port: int, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), 0.5).close()
            return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"nothing answers on port {port}")


class PrivateRedis:
    """``redis-server`` with an append-only file, as a production Redis keeps its data across a restart."""

    def __init__(self, folder: Path, port: int | None = None):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.port = port or free_port()
        self.process: subprocess.Popen | None = None

    @staticmethod
    def available() -> bool:
        return shutil.which("redis-server") is not None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--dir",
                str(self.folder),
                "--save",
                "",
                "--appendonly",
                "yes",
                "--appendfsync",
                "everysec",
                "--logfile",
                str(self.folder / "redis.log"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for_port(self.port)

    def stop(self) -> None:
        """A clean stop (SIGTERM): Redis writes its append-only file and exits."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(20)
        self.process = None

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(20)
        self.process = None


class PrivatePostgres:
    """A PostgreSQL cluster of its own (``initdb`` + ``pg_ctl``), restartable like a failover."""

    def __init__(self, port: int | None = None):
        # Its own folder directly under /tmp: the postgres user must reach it, and pytest keeps resetting its own
        # temporary folders to 0700.
        self.folder = Path(tempfile.mkdtemp(prefix="skhcn-postgres-"))
        self.data = self.folder / "data"
        self.run_dir = self.folder / "run"
        self.port = port or free_port()
        self.as_postgres = os.geteuid() == 0

    @staticmethod
    def bin_dir() -> Path | None:
        for candidate in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
            if (candidate / "initdb").exists():
                return candidate
        found = shutil.which("initdb")
        return Path(found).parent if found else None

    @classmethod
    def available(cls) -> bool:
        return cls.bin_dir() is not None

    def url(self, database: str = "postgres") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        command = [str(self.bin_dir() / args[0]), *args[1:]]
        if self.as_postgres:
            command = ["su", "postgres", "-s", "/bin/sh", "-c", " ".join(_quote(part) for part in command)]
        result = subprocess.run(command, capture_output=True, text=True, timeout=120)
        if check and result.returncode:
            raise RuntimeError(f"{args[0]} failed ({result.returncode}): {result.stdout} {result.stderr}")
        return result

    def init(self) -> None:
        self.run_dir.mkdir(exist_ok=True)
        if self.as_postgres:
            shutil.chown(self.folder, "postgres", "postgres")
            shutil.chown(self.run_dir, "postgres", "postgres")
            self.folder.chmod(0o755)
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync")

    def _options(self) -> str:
        return f"-p {self.port} -k {self.run_dir} -c listen_addresses=127.0.0.1 -c fsync=off"

    def start(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-o", self._options(), "-l", str(self.run_dir / "log"), "-w", "start")

    def restart(self) -> float:
        """``pg_ctl restart -m fast`` (every connection is cut); returns how long it took."""
        began = time.monotonic()
        self._run(
            "pg_ctl", "-D", str(self.data), "-o", self._options(), "-l", str(self.run_dir / "log"), "-w", "-m", "fast",
            "restart",
        )  # fmt: skip
        return time.monotonic() - began

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-w", "-m", "immediate", "stop", check=False)

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)

    def create_database(self, name: str) -> None:
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", name)


def _quote(part: str) -> str:
    return "'" + part.replace("'", "'\\''") + "'"
