"""The limits of the protocol and the answers to bad input."""

import pytest
from channels.db import database_sync_to_async

from jobs import consumers
from jobs.models import Job
from tests.servers import padded_ping

pytestmark = pytest.mark.django_db(transaction=True)


@database_sync_to_async
def more_jobs_of(owner, document, count):
    return Job.objects.bulk_create(Job(owner=owner, document=document) for _ in range(count))


async def test_the_201st_room_is_refused_with_too_many_subscriptions(
    open_ws, monkeypatch, token, user, job
):
    monkeypatch.setattr(consumers, "MAX_MESSAGES_PER_SECOND", 10_000)  # not the limit tested
    jobs = [job, *await more_jobs_of(user, job.document, 200)]
    client = await open_ws(token=token)
    for subscribed_job in jobs[:200]:
        await client.subscribe(f"job:{subscribed_job.id}")
    last_room = f"job:{jobs[200].id}"
    await client.send({"type": "subscribe", "room": last_room})
    answer = await client.receive()
    assert (answer["type"], answer["code"], answer["room"]) == (
        "error",
        "too_many_subscriptions",
        last_room,
    )
    await client.subscribe(f"job:{jobs[0].id}", after=0)  # a room it has is still fine
    await client.send({"type": "unsubscribe", "room": f"job:{jobs[1].id}"})
    assert (await client.receive())["type"] == "unsubscribed"
    await client.subscribe(last_room)  # and a freed place can be taken


async def test_more_than_50_messages_a_second_is_rate_limited_and_closed_with_4429(open_ws):
    client = await open_ws()
    for _ in range(51):
        await client.send({"type": "ping"})
    answers = [await client.receive() for _ in range(50)]
    assert answers == [{"type": "pong"}] * 50
    assert (await client.receive())["code"] == "rate_limited"
    assert await client.close_code() == 4429


async def test_a_message_over_64_kib_closes_the_connection_with_1009(open_ws, token):
    client = await open_ws(token=token)
    await client.send_text(padded_ping(64 * 1024 + 1))
    assert await client.close_code() == 1009


async def test_a_message_of_exactly_64_kib_is_accepted(open_ws, token):
    client = await open_ws(token=token)
    await client.send_text(padded_ping(64 * 1024))
    assert await client.receive() == {"type": "pong"}


@pytest.mark.parametrize(
    "text",
    ["{not json", "[1, 2]", '"ping"', '{"no_type": 1}', '{"type": 7}', '{"type": "dance"}'],
)
async def test_malformed_messages_and_unknown_types_get_bad_request_and_the_connection_stays(
    open_ws, token, text
):
    client = await open_ws(token=token)
    await client.send_text(text)
    answer = await client.receive()
    assert (answer["type"], answer["code"]) == ("error", "bad_request")
    await client.send({"type": "ping"})
    assert await client.receive() == {"type": "pong"}


@pytest.mark.parametrize("room", ["room:1", "job:not-a-uuid", "job", "", 42, None])
async def test_a_bad_room_gets_bad_request(open_ws, token, room):
    client = await open_ws(token=token)
    await client.send({"type": "subscribe", "room": room})
    answer = await client.receive()
    assert (answer["type"], answer["code"]) == ("error", "bad_request")


@pytest.mark.parametrize("after", [-1, "3", 2.5, True])
async def test_a_cursor_that_is_not_a_whole_number_gets_bad_request(open_ws, token, job, after):
    client = await open_ws(token=token)
    await client.send({"type": "subscribe", "room": f"job:{job.id}", "after": after})
    answer = await client.receive()
    assert (answer["type"], answer["code"], answer["room"]) == (
        "error",
        "bad_request",
        f"job:{job.id}",
    )


async def test_a_bad_room_in_unsubscribe_gets_bad_request(open_ws, token):
    client = await open_ws(token=token)
    await client.send({"type": "unsubscribe", "room": "job:not-a-uuid"})
    assert (await client.receive())["code"] == "bad_request"
