"""Live events through daphne and Redis: latency, and throughput to 1, 10 and 100 clients.

Run: .venv/bin/python scripts/with_redis.py -- .venv/bin/python bench/bench_events.py
(prints a table and writes events.json into bench/results/, or the run's folder under
`make bench`; exits 1 when the latency target is missed, or an event is lost, duplicated or
not delivered to every client)

Its own environment (harness.py): a fresh database (BENCH_DATABASE_URL when set, else SQLite
under var/bench/events/), Redis database 8 and its own prefixes, so a running `make dev` is not
disturbed. The events are emitted by another process (this file with --emit), as a Celery
worker would; the clients are WebSocket clients of the web process (`config.serve`, as in the
Procfile). Times are CLOCK_MONOTONIC, which every process of the machine shares.

1. Latency at a paced rate (200 events at 50/s): from the moment an event is committed (when
   the emitter hands it to its publisher, after the transaction) to its arrival at a client in
   the job room; beside it, raw channels-redis `group_send` -> `receive` in one process,
   measured in the same run. The emit calls' own time (validation and the database
   transaction) is reported too. Target: commit -> client p50 <= 1.5 x raw p50 + 2 ms, with
   no event lost or duplicated.
2. Throughput: 1, 10 and 100 clients in one user room while one process emits as fast as it
   can; events delivered per second to all clients, and how many were lost or duplicated
   (must be 0).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness

LATENCY_EVENTS = 200
LATENCY_RATE = 50  # events per second
THROUGHPUT_EVENTS = 500
CLIENT_COUNTS = [1, 10, 100]
RECEIVE_TIMEOUT = int(os.environ.get("BENCH_RECEIVE_TIMEOUT", 30))

# --- Users and jobs -------------------------------------------------------------------------


def new_user_and_token() -> tuple[Any, str]:
    from django.contrib.auth.models import User
    from rest_framework.authtoken.models import Token

    user = User.objects.create_user(f"bench-{time.monotonic_ns()}")
    return user, Token.objects.create(user=user).key


def new_job(user: Any) -> Any:
    from django.core.files.base import ContentFile

    from documents.models import Document
    from jobs.models import Job

    content = b"%PDF-1.4\n%%EOF\n"
    document = Document.objects.create(
        owner=user,
        original_name="bench.pdf",
        file=ContentFile(content, name="bench.pdf"),
        size=len(content),
        sha256="0" * 64,
    )
    return Job.objects.create(owner=user, document=document)


# --- The emitter process --------------------------------------------------------------------


def drafts(count: int) -> list[Any]:
    """A valid run: queued, then active events whose progress creeps up."""
    from jobs.events import EventDraft, Stage, Status

    queued = EventDraft(status=Status.QUEUED, stage=Stage.QUEUED, progress=0, message="Queued")
    return [queued] + [
        EventDraft(
            status=Status.ACTIVE,
            stage=Stage.EXTRACTING_TEXT,
            progress=min(99, i * 100 // count),
            message="Extracting text",
        )
        for i in range(1, count)
    ]


class EmitterProcess:
    """This file run with --emit: another process that emits one job's events.

    It emits the job's queued event, says "ready", emits `count` more on "go" (`rate` a second,
    or as fast as it can with 0), and reports as one JSON line when each was handed to the
    publisher (after its commit) and how long each emit call took. It inherits this process's
    environment (harness.use_own_environment).
    """

    def __init__(self, job_id: str, count: int, rate: float) -> None:
        self.process = subprocess.Popen(
            [sys.executable, __file__, "--emit", job_id, str(count), str(rate)],
            cwd=harness.ROOT,
            env={**os.environ},
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout is not None
        assert self.process.stdout.readline().strip() == "ready"

    def go(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write("go\n")
        self.process.stdin.flush()

    def report(self) -> dict[str, Any]:
        output, _ = self.process.communicate(timeout=300)
        return dict(json.loads(output.splitlines()[-1]))


def emit_events(job_id: str, count: int, rate: float) -> None:
    """The --emit side."""
    import django

    django.setup()
    from jobs.emitter import Publisher, emit, flush_published

    committed_at: dict[int, float] = {}
    publish = Publisher.publish

    def timed_publish(self: Publisher, event: Any) -> None:
        committed_at[event.seq] = time.perf_counter()
        publish(self, event)

    Publisher.publish = timed_publish  # type: ignore[method-assign]
    planned = drafts(count + 1)
    emit(job_id, planned[0])  # connects to the database and starts the publisher
    assert flush_published()
    print("ready", flush=True)
    sys.stdin.readline()
    emit_ms = []
    started = next_at = time.perf_counter()
    for draft in planned[1:]:
        before = time.perf_counter()
        emit(job_id, draft)
        emit_ms.append((time.perf_counter() - before) * 1000)
        if rate:
            next_at += 1 / rate
            time.sleep(max(0.0, next_at - time.perf_counter()))
    assert flush_published(60)
    report = {
        "seconds": time.perf_counter() - started,
        "emit_ms": emit_ms,
        "committed_at": {seq: at for seq, at in committed_at.items() if seq > 1},
    }
    print(json.dumps(report), flush=True)


# --- WebSocket clients ----------------------------------------------------------------------


async def open_client(url: str, token: str, room: str) -> Any:
    from websockets.asyncio.client import connect

    websocket = await connect(url, proxy=None, ping_interval=None, max_queue=None)
    await websocket.send(json.dumps({"type": "auth", "token": token}))
    assert json.loads(await websocket.recv())["type"] == "auth_ok"
    await websocket.send(json.dumps({"type": "subscribe", "room": room}))
    answer = json.loads(await websocket.recv())
    assert answer["type"] == "subscribed", answer
    return websocket


async def receive_events(websocket: Any, count: int) -> dict[tuple[str, int], float]:
    """When each event arrived (stops early after RECEIVE_TIMEOUT of silence); and counts
    duplicates under the key ("duplicates", 0)."""
    arrived: dict[tuple[str, int], float] = {}
    duplicates = 0
    while len(arrived) < count:
        try:
            message = json.loads(await asyncio.wait_for(websocket.recv(), RECEIVE_TIMEOUT))
        except TimeoutError:
            break
        if message["type"] == "event":
            key = (message["event"]["job_id"], message["event"]["seq"])
            duplicates += key in arrived
            arrived.setdefault(key, time.perf_counter())
    arrived[("duplicates", 0)] = duplicates
    return arrived


# --- 1. Latency -----------------------------------------------------------------------------


async def raw_layer_latency() -> list[float]:
    """channels-redis alone (ms): group_send from this loop, receive on a channel of the group."""
    from channels.layers import get_channel_layer

    layer = get_channel_layer()
    assert layer is not None
    channel = await layer.new_channel()
    await layer.group_add("bench.raw", channel)
    latencies: list[float] = []
    for index in range(LATENCY_EVENTS):
        receiving = asyncio.ensure_future(layer.receive(channel))
        sent_at = time.perf_counter()
        await layer.group_send("bench.raw", {"type": "job.event", "index": index})
        await receiving
        latencies.append((time.perf_counter() - sent_at) * 1000)
        await asyncio.sleep(1 / LATENCY_RATE)
    await layer.group_discard("bench.raw", channel)
    return latencies


async def daphne_latency(url: str) -> dict[str, Any]:
    """Commit-to-client latencies in a job room and the emit calls' own durations (ms), and
    how many events were lost or duplicated on the way."""
    user, token = await asyncio.to_thread(new_user_and_token)
    job = await asyncio.to_thread(new_job, user)
    emitter = await asyncio.to_thread(EmitterProcess, str(job.id), LATENCY_EVENTS, LATENCY_RATE)
    websocket = await open_client(url, token, f"job:{job.id}")
    emitter.go()
    arrived = await receive_events(websocket, LATENCY_EVENTS)
    report = await asyncio.to_thread(emitter.report)
    await websocket.close()
    duplicates = arrived.pop(("duplicates", 0))
    latencies = [
        (arrived[key] - committed) * 1000
        for seq, committed in report["committed_at"].items()
        if (key := (str(job.id), int(seq))) in arrived
    ]
    if not latencies:
        raise SystemExit("no event reached the client; see var/bench/events/daphne.log")
    return {
        "latencies_ms": latencies,
        "emit_ms": report["emit_ms"],
        "lost": len(report["committed_at"]) - len(latencies),
        "duplicates": duplicates,
    }


# --- 2. Throughput --------------------------------------------------------------------------


async def throughput(url: str, clients: int) -> dict[str, Any]:
    user, token = await asyncio.to_thread(new_user_and_token)
    job = await asyncio.to_thread(new_job, user)
    emitter = await asyncio.to_thread(EmitterProcess, str(job.id), THROUGHPUT_EVENTS, 0)
    websockets = [await open_client(url, token, "user:me") for _ in range(clients)]
    receivers = [
        asyncio.ensure_future(receive_events(websocket, THROUGHPUT_EVENTS))
        for websocket in websockets
    ]
    started = time.perf_counter()
    emitter.go()
    results = await asyncio.gather(*receivers)
    report = await asyncio.to_thread(emitter.report)
    for websocket in websockets:
        await websocket.close()
    duplicates = sum(arrived.pop(("duplicates", 0)) for arrived in results)
    delivered = sum(len(arrived) for arrived in results)
    elapsed = max(max(arrived.values(), default=started) for arrived in results) - started
    return {
        "clients": clients,
        "events": THROUGHPUT_EVENTS,
        "emitted_per_second": round(THROUGHPUT_EVENTS / report["seconds"], 1),
        "delivered": delivered,
        "delivered_per_second": round(delivered / elapsed, 1) if elapsed > 0 else 0.0,
        "seconds": round(elapsed, 3),
        "lost": clients * THROUGHPUT_EVENTS - delivered,
        "duplicates": duplicates,
    }


# --- Main -----------------------------------------------------------------------------------


async def run(url: str) -> dict[str, Any]:
    raw = await raw_layer_latency()
    through_daphne = await daphne_latency(url)
    latency: dict[str, Any] = {
        "events": LATENCY_EVENTS,
        "rate_per_second": LATENCY_RATE,
        "raw_group_send_to_receive": harness.summary_ms(raw),
        "commit_to_websocket_client": harness.summary_ms(through_daphne["latencies_ms"]),
        "emit_call": harness.summary_ms(through_daphne["emit_ms"]),
        "lost": through_daphne["lost"],
        "duplicates": through_daphne["duplicates"],
    }
    target_ms = 1.5 * latency["raw_group_send_to_receive"]["p50_ms"] + 2
    latency["target_p50_ms"] = round(target_ms, 2)
    latency["target_met"] = latency["commit_to_websocket_client"]["p50_ms"] <= target_ms
    runs = [await throughput(url, clients) for clients in CLIENT_COUNTS]
    return {"latency": latency, "throughput": runs}


def print_table(results: dict[str, Any]) -> None:
    latency = results["latency"]
    print(f"\nLatency, {latency['events']} events at {latency['rate_per_second']}/s (ms)")
    print(f"{'path':<34}{'p50':>8}{'p99':>8}{'mean':>8}{'max':>8}")
    for key in ("raw_group_send_to_receive", "commit_to_websocket_client", "emit_call"):
        row = latency[key]
        print(f"{key:<34}{row['p50_ms']:>8}{row['p99_ms']:>8}{row['mean_ms']:>8}{row['max_ms']:>8}")
    verdict = "met" if latency["target_met"] else "MISSED"
    print(f"target: p50 <= 1.5 x raw + 2 ms = {latency['target_p50_ms']} ms: {verdict}")
    print(f"lost: {latency['lost']}, duplicates: {latency['duplicates']}")
    print(f"\nThroughput, {THROUGHPUT_EVENTS} events emitted by one process, one user room")
    print(f"{'clients':>8}{'emitted/s':>11}{'delivered/s':>13}{'seconds':>9}{'lost':>6}{'dup':>5}")
    for row in results["throughput"]:
        print(
            f"{row['clients']:>8}{row['emitted_per_second']:>11}{row['delivered_per_second']:>13}"
            f"{row['seconds']:>9}{row['lost']:>6}{row['duplicates']:>5}"
        )


def healthy(results: dict[str, Any]) -> bool:
    """The latency target met, and every event delivered once to every client."""
    latency = results["latency"]
    return bool(latency["target_met"]) and all(
        run["lost"] == run["duplicates"] == 0 for run in [latency, *results["throughput"]]
    )


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--emit", nargs=3, metavar=("JOB", "COUNT", "RATE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.emit:
        sys.path.insert(0, str(harness.ROOT))  # the environment is the parent's
        emit_events(args.emit[0], int(args.emit[1]), float(args.emit[2]))
        return 0
    work = harness.use_own_environment("events")
    harness.setup_django()
    import redis
    from django.conf import settings

    redis.Redis.from_url(settings.REDIS_URL).flushdb()
    with harness.daphne(work) as (_, base_url):
        results = asyncio.run(run(base_url.replace("http", "ws", 1) + "/ws/jobs/"))
    results["database"] = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    layer: Any = settings.CHANNEL_LAYERS["default"]["CONFIG"]
    results["channel_layer_capacity"] = layer["capacity"]
    results["cpus"] = os.cpu_count()
    results["load_average_1m"] = round(os.getloadavg()[0], 2)
    print_table(results)
    harness.write_results("events", results)
    return 0 if healthy(results) else 1


if __name__ == "__main__":
    sys.exit(main())
