"""Real processes on the test database: a daphne server, a Celery worker and an event emitter.

Each one gets the test process's database (the SQLite file or the PostgreSQL test database
pytest-django created), Redis, channel layer prefix and media root, so that what a test writes
the process reads, and what the process emits the test's clients receive. Tests that use them
need `@pytest.mark.django_db(transaction=True)`: the processes only see committed rows.

The event drafts the emitter process and the tests share live here too.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection
from websockets.asyncio.client import ClientConnection, connect
from websockets.typing import Origin

from jobs.emitter import emit, flush_published
from jobs.events import ErrorCode, Event, EventDraft, EventError, EventResult, Stage, Status

BASE_DIR = Path(__file__).resolve().parent.parent
BIN_DIR = Path(sys.executable).parent
START_TIMEOUT_SECONDS = 30
STOP_TIMEOUT_SECONDS = 10

# --- Event drafts ---------------------------------------------------------------------------

ACTIVE_STAGES = [
    Stage.INITIALIZING,
    Stage.DOWNLOADING,
    Stage.CHECKING_CACHE,
    Stage.EXTRACTING_TEXT,
    Stage.GENERATING_NOTES,
    Stage.GENERATING_QUIZ,
    Stage.SAVING,
    Stage.CACHING,
]


def queued() -> EventDraft:
    return EventDraft(status=Status.QUEUED, stage=Stage.QUEUED, progress=0, message="Queued")


def active(stage: Stage, progress: int, **metadata: Any) -> EventDraft:
    return EventDraft(
        status=Status.ACTIVE,
        stage=stage,
        progress=progress,
        message=stage.label,
        metadata=metadata,
    )


def stalled(stage: Stage, progress: int) -> EventDraft:
    return EventDraft(status=Status.STALLED, stage=stage, progress=progress, message="Stalled")


def completed(*, cache_hit: bool = False) -> EventDraft:
    result = EventResult(
        note_id=uuid.uuid4(), title="Lecture notes", processing_time_ms=1234, cache_hit=cache_hit
    )
    return EventDraft(
        status=Status.COMPLETED, stage=Stage.COMPLETED, progress=100, message="Done", result=result
    )


def failed(code: ErrorCode = ErrorCode.INTERNAL_ERROR, progress: int = 0) -> EventDraft:
    return EventDraft(
        status=Status.FAILED,
        stage=Stage.FAILED,
        progress=progress,
        message="Failed",
        error=EventError.of(code, "Something went wrong; please try again."),
    )


def cancelled(progress: int = 0) -> EventDraft:
    return EventDraft(
        status=Status.CANCELLED, stage=Stage.CANCELLED, progress=progress, message="Cancelled"
    )


def pipeline(length: int) -> list[EventDraft]:
    """A valid run of `length` events (at least 2): queued, active stages, completed."""
    steps = length - 2
    middle = [
        active(ACTIVE_STAGES[i * len(ACTIVE_STAGES) // steps], 1 + i * 98 // steps)
        for i in range(steps)
    ]
    return [queued(), *middle, completed()]


def emit_one(job_id: Any, draft: EventDraft) -> Event:
    """Emit one event (never coalesced away) and wait until it is in the channel layer."""
    event = emit(job_id, draft)
    assert event is not None
    assert flush_published()
    return event


# --- The environment of a process on the test database -------------------------------------


def database_url_of_this_run() -> str:
    """DATABASE_URL of the database this test run uses (after pytest-django created it)."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{Path(db['NAME']).resolve()}"
    if connection.vendor != "postgresql":
        raise NotImplementedError(f"no DATABASE_URL for {connection.vendor}")
    credentials = quote(db["USER"] or "", safe="")
    if db.get("PASSWORD"):
        credentials += ":" + quote(db["PASSWORD"], safe="")
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    return f"postgres://{credentials}@{host}:{port}/{quote(db['NAME'], safe='')}"


def process_env(**extra: str) -> dict[str, str]:
    layer: Any = settings.CHANNEL_LAYERS["default"]["CONFIG"]
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "PYTHONUNBUFFERED": "1",
        "DATABASE_URL": database_url_of_this_run(),
        "REDIS_URL": settings.REDIS_URL,
        "CHANNEL_LAYER_URL": layer["hosts"][0]["address"],
        "CHANNEL_LAYER_PREFIX": layer["prefix"],
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "CELERY_RESULT_BACKEND": settings.CELERY_RESULT_BACKEND,
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        **extra,
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _start(command: Sequence[str], log_path: Path, **extra_env: str) -> subprocess.Popen[bytes]:
    with log_path.open("ab") as log:
        return subprocess.Popen(
            command,
            cwd=BASE_DIR,
            env=process_env(**extra_env),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own group: stopping it stops its children too
        )


def _stop(process: subprocess.Popen[Any]) -> None:
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(STOP_TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(STOP_TIMEOUT_SECONDS)


def _wait_until_ready(
    ready: Callable[[], bool], process: subprocess.Popen[Any], what: str, log_path: Path
) -> None:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while not ready():
        if process.poll() is not None or time.monotonic() > deadline:
            _stop(process)
            log = log_path.read_text(errors="replace")[-4000:]
            pytest.fail(f"{what} did not start:\n{log}")
        time.sleep(0.1)


# --- daphne ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Server:
    url: str  # http://127.0.0.1:<port>
    process: subprocess.Popen[bytes]
    log_path: Path

    @property
    def ws_url(self) -> str:
        return self.url.replace("http://", "ws://", 1) + "/ws/jobs/"


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1) as response:  # noqa: S310 (a local URL)
            return bool(response.status == 200)
    except OSError:
        return False


@contextmanager
def running_daphne(log_dir: Path, **extra_env: str) -> Iterator[Server]:
    port = free_port()
    log_path = log_dir / f"daphne-{port}.log"
    command = [sys.executable, "-m", "config.serve", "-b", "127.0.0.1", "-p", str(port)]
    process = _start(command, log_path, **extra_env)
    server = Server(url=f"http://127.0.0.1:{port}", process=process, log_path=log_path)
    try:
        _wait_until_ready(lambda: _answers(f"{server.url}/healthz"), process, "daphne", log_path)
        yield server
    finally:
        _stop(process)


@pytest.fixture
def daphne_server(transactional_db: None, tmp_path: Path) -> Iterator[Server]:
    """A daphne serving config.asgi on a free port, on the test database."""
    with running_daphne(tmp_path) as server:
        yield server


# --- Celery worker --------------------------------------------------------------------------


@dataclass(frozen=True)
class Worker:
    process: subprocess.Popen[bytes]
    log_path: Path

    def child_pids(self) -> list[int]:
        """The prefork pool's processes, the ones that run tasks."""
        out = subprocess.run(
            ["pgrep", "-P", str(self.process.pid)], capture_output=True, text=True, check=False
        )
        return [int(pid) for pid in out.stdout.split()]

    def kill_children(self) -> None:
        for pid in self.child_pids():
            os.kill(pid, signal.SIGKILL)


@contextmanager
def running_celery_worker(
    log_dir: Path, *, app: str = "config", queues: str = "pdf,ai,default", **extra_env: str
) -> Iterator[Worker]:
    """A worker on `queues` (one prefork child); `app` may be a test module wrapping config's."""
    from jobs.tasks.housekeeping import ping

    name = f"test-{uuid.uuid4().hex[:8]}@%h"
    log_path = log_dir / "celery-worker.log"
    command = [str(BIN_DIR / "celery"), "-A", app, "worker", "-Q", queues]
    options = ["-c", "1", "--pool", "prefork", "-n", name, "--loglevel", "INFO"]
    quiet = ["--without-gossip", "--without-mingle", "--without-heartbeat"]
    process = _start([*command, *options, *quiet], log_path, **extra_env)

    def answers_ping() -> bool:
        try:
            return bool(ping.apply_async(queue="default").get(timeout=1) == "pong")
        except Exception:  # the broker's timeout error while the worker boots
            return False

    try:
        _wait_until_ready(answers_ping, process, "celery worker", log_path)
        yield Worker(process, log_path)
    finally:
        _stop(process)


@pytest.fixture
def celery_worker(transactional_db: None, tmp_path: Path) -> Iterator[Worker]:
    """A Celery worker on every queue (one prefork child), on the test database."""
    with running_celery_worker(tmp_path) as worker:
        yield worker


def wait_for_terminal(job: Any, timeout: float = 60.0) -> Any:
    """Poll a job until it ends; returns it refreshed."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.is_terminal:
            return job
        time.sleep(0.05)
    raise AssertionError(f"job {job.id} still {job.status}/{job.stage} after {timeout} s")


# --- Emitter process ------------------------------------------------------------------------

# Reads a plan (one JSON line), says "ready", waits for "go", emits each event with the
# interval between them, waits for the layer, and says "done".
EMITTER_SCRIPT = """
import json, sys, time
import django
django.setup()
from jobs.emitter import emit, flush_published
from jobs.events import EventDraft
plan = json.loads(sys.stdin.readline())
drafts = [(job_id, EventDraft.model_validate(draft)) for job_id, draft in plan["events"]]
print("ready", flush=True)
sys.stdin.readline()
for job_id, draft in drafts:
    emit(job_id, draft)
    if plan["interval"]:
        time.sleep(plan["interval"])
assert flush_published(30)
print("done", flush=True)
"""


class EmitterProcess:
    """Another OS process that emits a planned list of events for jobs on the test database."""

    def __init__(self, events: Sequence[tuple[Any, EventDraft]], *, interval: float = 0.0) -> None:
        plan = {
            "events": [[str(job_id), draft.model_dump(mode="json")] for job_id, draft in events],
            "interval": interval,
        }
        self.process = subprocess.Popen(
            [sys.executable, "-c", EMITTER_SCRIPT],
            cwd=BASE_DIR,
            env=process_env(),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self._write(json.dumps(plan))

    def _write(self, line: str) -> None:
        stdin: IO[str] | None = self.process.stdin
        assert stdin is not None
        stdin.write(line + "\n")
        stdin.flush()

    def wait_ready(self) -> None:
        stdout = self.process.stdout
        assert stdout is not None
        line = stdout.readline().strip()
        if line != "ready":
            self.process.kill()
            _, errors = self.process.communicate(timeout=STOP_TIMEOUT_SECONDS)
            pytest.fail(f"the emitter process did not start: {line}\n{errors}")

    def go(self) -> None:
        self._write("go")

    def wait_done(self, timeout: float = 60) -> None:
        output, errors = self.process.communicate(timeout=timeout)
        if self.process.returncode != 0 or "done" not in output:
            pytest.fail(f"the emitter process failed ({self.process.returncode}):\n{errors}")


def emit_from_other_processes(
    plans: Sequence[Sequence[tuple[Any, EventDraft]]], *, interval: float = 0.0
) -> None:
    """Run one emitter process per plan, all starting together, and wait for all of them."""
    emitters = [EmitterProcess(plan, interval=interval) for plan in plans]
    for emitter in emitters:
        emitter.wait_ready()
    for emitter in emitters:
        emitter.go()
    for emitter in emitters:
        emitter.wait_done()


# --- A real WebSocket client ----------------------------------------------------------------


def padded_ping(size: int) -> str:
    """A ping message of exactly `size` bytes."""
    empty = json.dumps({"type": "ping", "padding": ""})
    return json.dumps({"type": "ping", "padding": "x" * (size - len(empty))})


class ProtocolClient:
    """The client's side of PROTOCOL.md section 3, over whatever `send` and `receive` carry."""

    async def send(self, message: dict[str, Any]) -> None:
        raise NotImplementedError

    async def receive(self, within: float = 10) -> dict[str, Any]:
        raise NotImplementedError

    async def receive_events(self, count: int) -> list[dict[str, Any]]:
        """The next `count` messages, which must all be events; their payloads."""
        messages = [await self.receive() for _ in range(count)]
        assert [message["type"] for message in messages] == ["event"] * count, messages
        return [message["event"] for message in messages]

    async def auth(self, token: str) -> dict[str, Any]:
        await self.send({"type": "auth", "token": token})
        answer = await self.receive()
        assert answer["type"] == "auth_ok", answer
        return answer

    async def subscribe(
        self, room: str, after: int | None = None
    ) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """Subscribe; the `subscribed` answer, and the events in the order they came: live
        ones of other rooms before the answer, then the replayed ones."""
        message: dict[str, Any] = {"type": "subscribe", "room": room}
        if after is not None:
            message["after"] = after
        await self.send(message)
        events = []
        while (answer := await self.receive())["type"] == "event":
            events.append(answer["event"])
        assert answer["type"] == "subscribed", answer
        return answer, events + await self.receive_events(answer["replayed"])


class WsConnection(ProtocolClient):
    """The protocol over a real WebSocket (the `websockets` library) to a `Server`."""

    def __init__(self, websocket: ClientConnection) -> None:
        self.websocket = websocket

    @classmethod
    async def open(
        cls, server: Server, *, token: str | None = None, origin: str | None = None, **options: Any
    ) -> WsConnection:
        websocket = await connect(
            server.ws_url,
            origin=Origin(origin) if origin else None,
            proxy=None,
            ping_interval=None,  # idle means idle: no keepalive frames from this side
            **options,
        )
        client = cls(websocket)
        if token is not None:
            await client.auth(token)
        return client

    async def send(self, message: dict[str, Any]) -> None:
        await self.websocket.send(json.dumps(message))

    async def receive(self, within: float = 10) -> dict[str, Any]:
        async with asyncio.timeout(within):
            message: dict[str, Any] = json.loads(await self.websocket.recv())
        return message

    def drop(self) -> None:
        """Cut the connection as a network failure would: no closing handshake."""
        self.websocket.transport.abort()

    async def close(self) -> None:
        await self.websocket.close()
