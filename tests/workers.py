"""A real Celery worker in a subprocess, on the real broker and the test database."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[1]
CELERY = str(Path(sys.executable).with_name("celery"))


def test_database_url() -> str:
    """The DATABASE_URL of the database this test run uses (pytest-django's test database)."""
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    credentials = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class Worker:
    def __init__(self, process: subprocess.Popen[bytes]) -> None:
        self.process = process

    def child_pids(self) -> list[int]:
        out = subprocess.run(
            ["pgrep", "-P", str(self.process.pid)], capture_output=True, text=True, check=False
        )
        return [int(pid) for pid in out.stdout.split()]

    def kill_children(self) -> None:
        for pid in self.child_pids():
            os.kill(pid, signal.SIGKILL)


def subprocess_env(media_root: Path) -> dict[str, str]:
    """The environment for a worker or server that must see this test run's data."""
    return {
        **os.environ,
        "DATABASE_URL": test_database_url(),
        "MEDIA_ROOT": str(media_root),
        "LOG_LEVEL": "WARNING",
    }


def start_worker(media_root: Path, queues: str = "pdf,ai,default") -> Worker:
    from jobs.tasks.housekeeping import ping

    process = subprocess.Popen(
        [
            CELERY, "-A", "config", "worker", "-Q", queues, "-c", "1", "--pool", "prefork",
            "-n", f"test-{uuid.uuid4().hex[:8]}@%h", "--without-gossip", "--without-mingle",
            "--loglevel", "WARNING",
        ],
        cwd=ROOT,
        env=subprocess_env(media_root),
    )
    deadline = time.monotonic() + 60
    while True:
        try:
            assert ping.apply_async(queue="default").get(timeout=5) == "pong"
            return Worker(process)
        except Exception:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise RuntimeError("the Celery worker did not start") from None


def stop_worker(worker: Worker) -> None:
    worker.process.send_signal(signal.SIGTERM)
    try:
        worker.process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        worker.process.kill()
        worker.process.wait()


@pytest.fixture(scope="session")
def celery_worker(django_db_setup, django_db_blocker, media_root) -> Iterator[Worker]:  # type: ignore[no-untyped-def]
    """One worker for every queue, shared by the tests of a session."""
    with django_db_blocker.unblock():
        worker = start_worker(media_root)
    yield worker
    stop_worker(worker)


def wait_for_terminal(job, timeout: float = 60.0):  # type: ignore[no-untyped-def]
    """Poll the job until it ends; returns it refreshed."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.is_terminal:
            return job
        time.sleep(0.05)
    raise AssertionError(f"job {job.id} still {job.status}/{job.stage} after {timeout} s")
