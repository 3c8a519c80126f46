"""Who may subscribe to which room, and what subscribing and unsubscribing do."""

import uuid

import pytest

from jobs.events import Stage
from tests.servers import active, queued

pytestmark = pytest.mark.django_db(transaction=True)


async def test_a_user_may_subscribe_to_their_own_job(open_ws, job, token):
    client = await open_ws(token=token)
    subscribed, _ = await client.subscribe(f"job:{job.id}")
    assert (subscribed["room"], subscribed["snapshot"]["id"]) == (f"job:{job.id}", str(job.id))


async def test_another_users_job_and_a_missing_job_get_the_same_forbidden_answer(
    create_job, open_ws, token, other_user
):
    others_job = await create_job(other_user)
    client = await open_ws(token=token)
    answers = []
    for job_id in (others_job.id, uuid.uuid4()):
        await client.send({"type": "subscribe", "room": f"job:{job_id}"})
        answer = await client.receive()
        assert answer.pop("room") == f"job:{job_id}"
        answers.append(answer)
    assert answers[0]["code"] == "forbidden"
    assert answers[0] == answers[1]


async def test_a_forbidden_job_room_delivers_no_events(
    create_job, open_ws, emit_event, token, user, other_user
):
    others_job = await create_job(other_user)
    own_job = await create_job(user)
    client = await open_ws(token=token)
    await client.send({"type": "subscribe", "room": f"job:{others_job.id}"})
    assert (await client.receive())["code"] == "forbidden"
    await client.subscribe(f"job:{own_job.id}")
    await emit_event(others_job.id, queued())
    mine = await emit_event(own_job.id, queued())
    [event] = await client.receive_events(1)
    assert (event["job_id"], event["seq"]) == (str(mine.job_id), 1)


async def test_staff_may_subscribe_to_any_job_and_receive_its_events(
    open_ws, emit_event, staff_token, job
):
    client = await open_ws(token=staff_token)
    subscribed, _ = await client.subscribe(f"job:{job.id}")
    assert subscribed["snapshot"]["id"] == str(job.id)
    await emit_event(job.id, queued())
    [event] = await client.receive_events(1)
    assert (event["job_id"], event["user_id"]) == (str(job.id), str(job.owner_id))


async def test_a_user_room_of_another_user_is_forbidden(open_ws, token, other_user):
    client = await open_ws(token=token)
    await client.send({"type": "subscribe", "room": f"user:{other_user.pk}"})
    answer = await client.receive()
    assert (answer["type"], answer["code"]) == ("error", "forbidden")


async def test_staff_may_not_subscribe_to_another_users_room(open_ws, staff_token, user):
    client = await open_ws(token=staff_token)
    await client.send({"type": "subscribe", "room": f"user:{user.pk}"})
    assert (await client.receive())["code"] == "forbidden"


@pytest.mark.parametrize("room_of", [lambda user: "user:me", lambda user: f"user:{user.pk}"])
async def test_the_own_user_room_receives_events_of_every_job(
    create_job, open_ws, emit_event, token, user, room_of
):
    first, second = await create_job(user), await create_job(user)
    client = await open_ws(token=token)
    subscribed, _ = await client.subscribe(room_of(user))
    assert subscribed["room"] == room_of(user)
    await emit_event(first.id, queued())
    await emit_event(second.id, queued())
    events = await client.receive_events(2)
    assert [(e["job_id"], e["user_seq"]) for e in events] == [
        (str(first.id), 1),
        (str(second.id), 2),
    ]


async def test_after_unsubscribing_no_more_events_of_that_room_arrive(
    create_job, open_ws, emit_event, token, user
):
    left, kept = await create_job(user), await create_job(user)
    client = await open_ws(token=token)
    await client.subscribe(f"job:{left.id}")
    await client.subscribe(f"job:{kept.id}")
    await client.send({"type": "unsubscribe", "room": f"job:{left.id}"})
    assert await client.receive() == {"type": "unsubscribed", "room": f"job:{left.id}"}
    await emit_event(left.id, queued())
    await emit_event(kept.id, queued())
    [event] = await client.receive_events(1)
    assert event["job_id"] == str(kept.id)
    assert await client.receive_nothing()


async def test_subscribing_twice_to_one_room_delivers_each_event_once(
    open_ws, emit_event, token, job
):
    client = await open_ws(token=token)
    await client.subscribe(f"job:{job.id}")
    await client.subscribe(f"job:{job.id}", after=0)
    await emit_event(job.id, queued())
    await emit_event(job.id, active(Stage.INITIALIZING, 5))
    assert [e["seq"] for e in await client.receive_events(2)] == [1, 2]
    assert await client.receive_nothing()
