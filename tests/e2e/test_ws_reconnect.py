"""A real client of a real daphne loses nothing across dropped connections (PROTOCOL.md 3)."""

import asyncio
from typing import Any

import pytest

from tests.factories import JobFactory
from tests.servers import EmitterProcess, WsConnection, pipeline

pytestmark = pytest.mark.django_db(transaction=True)

EVENTS_PER_JOB = 20
DROP_AFTER = (7, 19, 30)  # events received when the connection is cut


@pytest.fixture
def two_jobs(user):
    return [JobFactory.create(owner=user), JobFactory.create(owner=user)]


def interleaved_plan(jobs):
    runs = [pipeline(EVENTS_PER_JOB) for _ in jobs]
    return [
        (job.id, run[i]) for i in range(EVENTS_PER_JOB) for job, run in zip(jobs, runs, strict=True)
    ]


@pytest.mark.parametrize("rooms", ["job rooms", "user room"])
async def test_a_client_that_drops_mid_stream_and_resubscribes_gets_every_event_once_in_order(
    daphne_server, token, two_jobs, rooms
):
    emitter = EmitterProcess(interleaved_plan(two_jobs), interval=0.01)
    emitter.wait_ready()
    total = EVENTS_PER_JOB * len(two_jobs)
    received: list[dict[str, Any]] = []
    job_cursors = {str(job.id): 0 for job in two_jobs}
    user_cursor = 0
    started = False
    while len(received) < total:
        client = await WsConnection.open(daphne_server, token=token)
        if rooms == "user room":
            _, replayed = await client.subscribe("user:me", after=user_cursor)
        else:
            replayed = []
            for job_id, cursor in job_cursors.items():
                replayed += (await client.subscribe(f"job:{job_id}", after=cursor))[1]
        if not started:
            emitter.go()
            started = True
        pending = list(replayed)
        while len(received) < total:
            event = pending.pop(0) if pending else (await client.receive())["event"]
            received.append(event)
            job_cursors[event["job_id"]] = event["seq"]
            user_cursor = event["user_seq"]
            if len(received) in DROP_AFTER:
                client.drop()
                break
        else:
            await client.close()
    await asyncio.to_thread(emitter.wait_done)

    keys = [(event["job_id"], event["seq"]) for event in received]
    assert len(set(keys)) == len(keys) == total
    for job in two_jobs:
        seqs = [seq for job_id, seq in keys if job_id == str(job.id)]
        assert seqs == list(range(1, EVENTS_PER_JOB + 1))
    if rooms == "user room":
        assert [event["user_seq"] for event in received] == list(range(1, total + 1))
