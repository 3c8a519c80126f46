"""Load: 1,000 WebSocket connections on one daphne process while 50 jobs run.

    .venv/bin/python scripts/with_redis.py -- .venv/bin/python bench/bench_load.py

50 users, one job each (50 distinct 3-page PDFs cut from the lecture notes, so no cache hits),
20 connections per user, each subscribed to `user:me`: every event of a user's job must reach
all 20 of that user's connections, once, in order, and nothing of other users' jobs. Reports
connections, events delivered per second, emit-to-receive latency (p50/p99), and daphne's
memory per connection. Prints a table and writes load.json into bench/results/, or the run's
folder under `make bench`; exits 1 when an event is lost, duplicated or out of order, or a job
did not complete.

The reconnect storm: 200 clients (50 users x 4) that each drop their connection every 0.3-3 s
and come back with their cursor, while the 50 jobs run; zero lost, zero duplicated:

    BENCH_STORM=1 BENCH_CONNECTIONS_PER_USER=4 .venv/bin/python scripts/with_redis.py -- \
        .venv/bin/python bench/bench_load.py          (writes storm.json instead)
"""

from __future__ import annotations

import asyncio
import io
import json
import os
import random
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness

USERS = int(os.environ.get("BENCH_USERS", 50))
CONNECTIONS_PER_USER = int(os.environ.get("BENCH_CONNECTIONS_PER_USER", 20))
TIME_LIMIT_SECONDS = 300
CONCURRENT_HANDSHAKES = 50
# BENCH_STORM=1: every client drops its connection every 0.3-3 s and resubscribes with its cursor.
STORM = os.environ.get("BENCH_STORM") == "1"
POLL_SECONDS = 0.5


def distinct_pdfs(count: int) -> list[bytes]:
    from pypdf import PdfReader, PdfWriter

    pages = PdfReader(harness.CORPUS / "GeoTopo-komprimiert.pdf").pages
    pdfs = []
    for index in range(count):
        writer = PdfWriter()
        for page in pages[(2 * index) % 110 : (2 * index) % 110 + 3]:
            writer.add_page(page)
        writer.add_metadata({"/Title": f"Load test {index}"})
        buffer = io.BytesIO()
        writer.write(buffer)
        pdfs.append(buffer.getvalue())
    return pdfs


class Client:
    """One connection: signs in with a token, subscribes to its user room, records events.

    In a storm it also drops its connection at random moments and comes back with its cursor.
    """

    def __init__(self, ws_url: str, token: str, rng: random.Random | None = None) -> None:
        self.ws_url = ws_url
        self.token = token
        self.rng = rng  # set: this client takes part in the reconnect storm
        self.cursor = 0  # its user is new: the stream is empty
        self.reconnects = 0
        self.events: list[tuple[str, int]] = []
        self.latencies_ms: list[float] = []
        self.arrivals: list[float] = []

    async def run(
        self,
        subscribed: asyncio.Event,
        stop: asyncio.Event,
        ready: list[int],
        handshakes: asyncio.Semaphore,
    ) -> None:
        from websockets.asyncio.client import connect

        first = True
        while not stop.is_set():
            await handshakes.acquire()  # a ramp: clients arrive over a few seconds, not at once
            async with connect(self.ws_url, max_size=2**20, open_timeout=60) as socket:
                handshakes.release()
                await socket.send(json.dumps({"type": "auth", "token": self.token}))
                await socket.send(
                    json.dumps({"type": "subscribe", "room": "user:me", "after": self.cursor})
                )
                drop_at = time.monotonic() + (self.rng.uniform(0.3, 3) if self.rng else 1e9)
                while not stop.is_set() and time.monotonic() < drop_at:
                    try:
                        message = json.loads(await asyncio.wait_for(socket.recv(), 0.5))
                    except TimeoutError:
                        continue
                    if message["type"] == "subscribed" and first:
                        first = False
                        ready.append(1)
                        if len(ready) == USERS * CONNECTIONS_PER_USER:
                            subscribed.set()
                    self.take(message)
            if not stop.is_set():
                self.reconnects += 1

    def take(self, message: dict[str, Any]) -> None:
        if message["type"] != "event":
            return
        now = time.time()
        event = message["event"]
        sent = datetime.fromisoformat(event["timestamp"].replace("Z", "+00:00"))
        self.events.append((event["job_id"], event["seq"]))
        self.latencies_ms.append((now - sent.timestamp()) * 1000)
        self.arrivals.append(now)
        self.cursor = event["user_seq"]


async def drive(ws_url: str, base_url: str, tokens: list[str], daphne_pid: int) -> dict[str, Any]:
    import httpx
    from asgiref.sync import sync_to_async

    from jobs.models import Job, JobEvent

    stop, subscribed = asyncio.Event(), asyncio.Event()
    ready: list[int] = []
    rss_before = harness.memory_mb(daphne_pid)
    rng = random.Random(20261123)  # a fixed seed: the same storm every run
    clients = [
        Client(ws_url, token, random.Random(rng.random()) if STORM else None)
        for token in tokens
        for _ in range(CONNECTIONS_PER_USER)
    ]
    handshakes = asyncio.Semaphore(CONCURRENT_HANDSHAKES)
    tasks = [
        asyncio.create_task(client.run(subscribed, stop, ready, handshakes)) for client in clients
    ]
    waiter = asyncio.create_task(subscribed.wait())
    done, _ = await asyncio.wait([waiter, *tasks], timeout=180, return_when=asyncio.FIRST_COMPLETED)
    if waiter not in done:
        failures = [task.exception() for task in done if task.exception()]
        raise SystemExit(
            f"{len(ready)} of {len(clients)} subscribed; first failure: {failures[:1]}"
        )
    rss_connected = harness.memory_mb(daphne_pid)

    started = time.monotonic()
    async with httpx.AsyncClient(base_url=base_url, timeout=60) as http:
        for token, pdf in zip(tokens, distinct_pdfs(len(tokens)), strict=True):
            answer = await http.post(
                "/api/documents/",
                files={"file": ("load.pdf", pdf, "application/pdf")},
                headers={"Authorization": f"Token {token}"},
            )
            answer.raise_for_status()

    def unfinished() -> int:
        return Job.objects.unfinished().count()

    for _ in range(int(TIME_LIMIT_SECONDS / POLL_SECONDS)):  # the jobs' state is in the database
        if not await sync_to_async(unfinished)():
            break
        await asyncio.sleep(POLL_SECONDS)
    jobs_done = time.monotonic() - started

    def expected_deliveries() -> int:
        return JobEvent.objects.count() * CONNECTIONS_PER_USER

    # Every connection sees every event of its user's job: wait for the last of them (bounded).
    expected = await sync_to_async(expected_deliveries)()
    while sum(len(client.events) for client in clients) < expected:
        if time.monotonic() - started > TIME_LIMIT_SECONDS:
            break
        await asyncio.sleep(0.2)
    stop.set()
    await asyncio.gather(*tasks)
    return {
        "clients": clients,
        "rss_before": rss_before,
        "rss_connected": rss_connected,
        "seconds": time.monotonic() - started,
        "jobs_seconds": jobs_done,
    }


def main() -> int:
    work = harness.use_own_environment("load")
    harness.setup_django()
    import redis
    from django.conf import settings
    from django.contrib.auth.models import User
    from rest_framework.authtoken.models import Token

    from jobs.models import Job, JobEvent

    redis.Redis.from_url(settings.REDIS_URL).flushdb()
    users = [User.objects.create_user(f"load{index}") for index in range(USERS)]
    tokens = [Token.objects.create(user=user).key for user in users]
    with (
        harness.workers(work, {"pdf": 2, "ai": 1, "default": 1}),
        harness.daphne(work) as (daphne, base_url),
    ):
        run = asyncio.run(
            drive(base_url.replace("http", "ws") + "/ws/jobs/", base_url, tokens, daphne.pid)
        )

    clients: list[Client] = run["clients"]
    expected_by_user: dict[str, list[tuple[str, int]]] = {}
    for job_id, owner, seq in JobEvent.objects.order_by("job_id", "seq").values_list(
        "job_id", "user_id", "seq"
    ):
        expected_by_user.setdefault(str(owner), []).append((str(job_id), seq))
    token_owner = {token: str(user.pk) for token, user in zip(tokens, users, strict=True)}
    lost = duplicated = out_of_order = expected_deliveries = 0
    for client in clients:
        expected = expected_by_user[token_owner[client.token]]
        expected_deliveries += len(expected)
        received = client.events
        lost += len(set(expected) - set(received))
        duplicated += len(received) - len(set(received))
        by_job: dict[str, list[int]] = {}
        for received_job, seq in received:
            by_job.setdefault(received_job, []).append(seq)
        out_of_order += sum(seqs != sorted(seqs) for seqs in by_job.values())

    arrivals = sorted(time for client in clients for time in client.arrivals)
    latencies = [ms for client in clients for ms in client.latencies_ms]
    deliveries = len(latencies)
    connections = len(clients)
    results = {
        "machine": harness.machine(),
        "connections": connections,
        "jobs": Job.objects.count(),
        "jobs_completed": Job.objects.filter(status="completed").count(),
        "events_logged": JobEvent.objects.count(),
        "expected_deliveries": expected_deliveries,
        "deliveries": deliveries,
        "deliveries_per_second": round(deliveries / max(arrivals[-1] - arrivals[0], 1e-9), 1),
        "latency": harness.summary_ms(latencies),
        "lost": lost,
        "duplicated": duplicated,
        "out_of_order_jobs": out_of_order,
        "daphne_rss_mb": {
            "idle": round(run["rss_before"], 1),
            "connected": round(run["rss_connected"], 1),
        },
        "daphne_kib_per_connection": round(
            (run["rss_connected"] - run["rss_before"]) * 1024 / connections, 1
        ),
        "storm": STORM,
        "reconnects": sum(client.reconnects for client in clients),
        "seconds": round(run["seconds"], 1),
        "seconds_until_jobs_ended": round(run["jobs_seconds"], 1),
    }
    print(f"{'measure':<36} {'value':>14}")
    for key in (
        "connections",
        "jobs",
        "jobs_completed",
        "events_logged",
        "expected_deliveries",
        "deliveries",
        "deliveries_per_second",
        "lost",
        "duplicated",
        "out_of_order_jobs",
        "daphne_kib_per_connection",
        "storm",
        "reconnects",
        "seconds_until_jobs_ended",
        "seconds",
    ):
        print(f"{key:<36} {results[key]!s:>14}")
    for key, value in results["latency"].items():
        print(f"{'latency ' + key:<36} {value:>14}")
    harness.write_results("storm" if STORM else "load", results)
    healthy = lost == duplicated == out_of_order == 0 and results["jobs_completed"] == USERS
    return 0 if healthy else 1


if __name__ == "__main__":
    sys.exit(main())
