"""Each event reaches a connection once, in order, even across rooms and lost layer messages."""

import pytest

from jobs import consumers
from jobs.events import Stage
from tests.servers import active, pipeline, queued

pytestmark = pytest.mark.django_db(transaction=True)


async def test_an_event_in_both_the_user_room_and_the_job_room_arrives_once(
    open_ws, emit_event, create_job, token, user, job
):
    sentinel_job = await create_job(user)
    client = await open_ws(token=token)
    await client.subscribe("user:me")
    await client.subscribe(f"job:{job.id}")
    for draft in pipeline(5):
        await emit_event(job.id, draft)
    await emit_event(sentinel_job.id, queued())
    events = await client.receive_events(6)
    assert [(e["job_id"], e["seq"]) for e in events] == [
        *((str(job.id), seq) for seq in range(1, 6)),
        (str(sentinel_job.id), 1),
    ]
    assert await client.receive_nothing()


async def test_events_replayed_in_the_job_room_are_not_sent_again_by_the_user_room(
    open_ws, emit_event, token, job
):
    client = await open_ws(token=token)
    await client.subscribe("user:me")
    for draft in pipeline(4)[:3]:
        await emit_event(job.id, draft)
    live = await client.receive_events(3)
    _, replayed = await client.subscribe(f"job:{job.id}", after=0)
    assert ([e["seq"] for e in live], replayed) == ([1, 2, 3], [])


async def test_a_lost_job_room_message_is_filled_from_the_log_before_the_next_event(
    open_ws, emit_event, lost_events, token, job
):
    client = await open_ws(token=token)
    await client.subscribe(f"job:{job.id}", after=0)
    lost_events.add((str(job.id), 2))
    lost_events.add((str(job.id), 3))
    emitted = [(await emit_event(job.id, draft)).to_wire() for draft in pipeline(5)[:4]]
    assert await client.receive_events(4) == emitted


async def test_a_lost_user_room_message_of_another_job_is_filled_from_the_log(
    open_ws, emit_event, create_job, lost_events, token, user, job
):
    other_job = await create_job(user)
    client = await open_ws(token=token)
    await client.subscribe("user:me", after=0)
    first = await emit_event(job.id, queued())
    lost_events.add((str(other_job.id), 1))
    lost = await emit_event(other_job.id, queued())
    last = await emit_event(job.id, active(Stage.INITIALIZING, 5))
    events = await client.receive_events(3)
    assert events == [first.to_wire(), lost.to_wire(), last.to_wire()]


async def test_a_message_lost_from_one_room_still_arrives_through_the_other_once(
    open_ws, emit_event, lost_events, token, job
):
    client = await open_ws(token=token)
    await client.subscribe(f"job:{job.id}", after=0)
    await client.subscribe("user:me", after=0)
    lost_events.add((str(job.id), 1))
    for draft in pipeline(3):
        await emit_event(job.id, draft)
    assert [e["seq"] for e in await client.receive_events(3)] == [1, 2, 3]
    assert await client.receive_nothing()


async def test_a_gap_whose_events_were_pruned_does_not_hold_back_later_events(
    open_ws, emit_event, lost_events, token, job
):
    from channels.db import database_sync_to_async

    from jobs.models import JobEvent

    client = await open_ws(token=token)
    await client.subscribe(f"job:{job.id}", after=0)
    lost_events.add((str(job.id), 1))
    await emit_event(job.id, queued())
    await database_sync_to_async(JobEvent.objects.filter(job=job, seq=1).delete)()
    await emit_event(job.id, active(Stage.INITIALIZING, 5))
    await emit_event(job.id, active(Stage.DOWNLOADING, 10))
    assert [e["seq"] for e in await client.receive_events(2)] == [2, 3]


@pytest.mark.parametrize("room_kind", ["job", "user"])
async def test_a_lost_last_event_still_reaches_a_connection_that_was_behind(
    open_ws, emit_event, lost_events, monkeypatch, token, job, room_kind
):
    """The layer drops the newest messages when over capacity: no later event reveals them."""
    monkeypatch.setattr(consumers, "BEHIND_SECONDS", -1)  # every live event arrives "late"
    monkeypatch.setattr(consumers, "QUIET_SECONDS", 0.05)
    client = await open_ws(token=token)
    await client.subscribe(f"job:{job.id}" if room_kind == "job" else "user:me", after=0)
    lost_events.update({(str(job.id), 2), (str(job.id), 3)})
    emitted = [(await emit_event(job.id, draft)).to_wire() for draft in pipeline(3)]
    assert await client.receive_events(3) == emitted
    assert await client.receive_nothing()
