"""Randomised, with fixed seeds: many jobs, lost layer messages, clients with random cursors
that drop and resume at random points. Every client ends with every event it did not have,
each exactly once, each job in `seq` order.
"""

import asyncio
import random
import threading
from dataclasses import dataclass, field

import pytest
from channels.db import database_sync_to_async
from django.db import connections

from jobs.delivery import Payload
from jobs.emitter import emit, flush_published
from tests.factories import JobFactory
from tests.servers import emit_one, pipeline

pytestmark = pytest.mark.django_db(transaction=True)

JOBS = 8
LOSS_RATE = 0.1


@dataclass
class Client:
    """What one client knows, and the rooms it follows."""

    name: str
    job_rooms: list[str]
    user_room: bool
    known: dict[tuple[str, int], int] = field(default_factory=dict)  # (job, seq) -> user_seq

    def job_cursor(self, job_id: str) -> int:
        return max((seq for job, seq in self.known if job == job_id), default=0)

    def user_cursor(self) -> int:
        """The user_seq up to which this client has every event (what it resumes after)."""
        held = set(self.known.values())
        cursor = 0
        while cursor + 1 in held:
            cursor += 1
        return cursor

    def follows(self, event: Payload) -> bool:
        return self.user_room or event["job_id"] in self.job_rooms

    def apply(self, event: Payload) -> None:
        key = (event["job_id"], event["seq"])
        assert key not in self.known, f"{self.name}: {key} delivered again"
        assert self.follows(event), f"{self.name}: {key} is not in its rooms"
        assert event["seq"] == self.job_cursor(event["job_id"]) + 1, f"{self.name}: {key} early"
        self.known[key] = event["user_seq"]


def schedule(rng, job_ids):
    """Every job's pipeline, interleaved at random: the order the events are emitted in."""
    runs = {job_id: pipeline(rng.randint(3, 12)) for job_id in job_ids}
    slots = [job_id for job_id, run in runs.items() for _ in run]
    rng.shuffle(slots)
    positions = dict.fromkeys(job_ids, 0)
    plan = []
    for job_id in slots:
        plan.append((job_id, runs[job_id][positions[job_id]]))
        positions[job_id] += 1
    return plan


def emit_in_thread(plan, pauses):
    """Emit `plan` from another thread (as a worker would), with the given pauses between."""

    def run():
        try:
            for (job_id, draft), pause in zip(plan, pauses, strict=True):
                emit(job_id, draft)
                if pause:
                    threading.Event().wait(pause)
            assert flush_published()
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


async def follow(open_ws, token, client, rng, expected):
    """Connect, subscribe with the client's cursors, receive, drop at random; until done."""
    while len(client.known) < expected:
        ws = await open_ws(token=token)
        for job_id in client.job_rooms:  # job rooms first: their cursors filter the user replay
            _, replayed = await ws.subscribe(f"job:{job_id}", after=client.job_cursor(job_id))
            for event in replayed:
                client.apply(event)
        if client.user_room:
            _, replayed = await ws.subscribe("user:me", after=client.user_cursor())
            for event in replayed:
                client.apply(event)
        drop_after = rng.randint(0, 15)
        while len(client.known) < expected and drop_after > 0:
            [event] = await ws.receive_events(1)
            client.apply(event)
            drop_after -= 1
        if len(client.known) == expected:
            assert await ws.receive_nothing(), f"{client.name}: more than expected"
        await ws.disconnect()


@database_sync_to_async
def jobs_with_history(user, rng, lost_events):
    """The jobs, the plan of their events (some to be lost by the layer) and the part of it
    emitted before anyone connects."""
    job_ids = [str(JobFactory.create(owner=user).id) for _ in range(JOBS)]
    plan = schedule(rng, job_ids)
    last_of_job = {job_id: index for index, (job_id, _) in enumerate(plan)}
    for index, (job_id, _) in enumerate(plan):
        seq = sum(1 for other, _ in plan[: index + 1] if other == job_id)
        if index != last_of_job[job_id] and rng.random() < LOSS_RATE:
            lost_events.add((job_id, seq))
    history = rng.randint(len(plan) // 5, len(plan) // 2)
    emitted = [emit_one(job_id, draft).to_wire() for job_id, draft in plan[:history]]
    return job_ids, plan, emitted


@pytest.mark.parametrize("seed", [20261123, 7, 1999])
async def test_random_clients_get_every_event_once_in_order_whatever_is_lost_or_dropped(
    open_ws, lost_events, token, user, seed
):
    rng = random.Random(seed)
    job_ids, plan, emitted = await jobs_with_history(user, rng, lost_events)
    history = len(emitted)

    clients = [
        Client("user room", job_rooms=[], user_room=True),
        Client("job rooms", job_rooms=rng.sample(job_ids, 4), user_room=False),
        Client("both", job_rooms=rng.sample(job_ids, 3), user_room=True),
    ]
    for client in clients:
        user_cursor = rng.randint(0, history) if client.user_room else 0
        job_cursors = {job_id: rng.randint(0, len(plan)) for job_id in client.job_rooms}
        for event in emitted:  # what it had before: up to its cursors
            if event["user_seq"] <= user_cursor or event["seq"] <= job_cursors.get(
                event["job_id"], 0
            ):
                client.known[(event["job_id"], event["seq"])] = event["user_seq"]

    def expected_for(client):
        counts = {job_id: sum(1 for job, _ in plan if job == job_id) for job_id in job_ids}
        followed = job_ids if client.user_room else client.job_rooms
        return sum(counts[job_id] for job_id in followed)

    pauses = [rng.choice([0, 0, 0.001, 0.003]) for _ in plan[history:]]
    emitter = emit_in_thread(plan[history:], pauses)
    try:
        async with asyncio.timeout(60):
            await asyncio.gather(
                *(
                    follow(
                        open_ws, token, client, random.Random(rng.random()), expected_for(client)
                    )
                    for client in clients
                )
            )
    finally:
        await asyncio.to_thread(emitter.join)

    for client in clients:
        assert len(client.known) == expected_for(client), client.name
