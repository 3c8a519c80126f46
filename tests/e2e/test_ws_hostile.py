"""Hostile WebSocket clients against a real daphne while a well-behaved client follows a job:
each hostile one gets its protocol answer (PROTOCOL.md section 3), the server stays up, and
the well-behaved client gets every event, once, in order."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from channels.db import database_sync_to_async
from websockets.exceptions import ConnectionClosed

from jobs.ws_limits import MAX_MESSAGE_BYTES
from tests.e2e.test_ws_origin import assert_refused_from_another_site
from tests.factories import JobFactory
from tests.servers import EmitterProcess, Server, WsConnection, padded_ping, pipeline

pytestmark = pytest.mark.django_db(transaction=True)

EVENTS = 40


async def close_code(client: WsConnection) -> int | None:
    """Read until the server closes the connection; its close code."""
    try:
        while True:
            await client.receive()
    except ConnectionClosed:
        return client.websocket.close_code


async def malformed_and_unknown(server: Server, token: str) -> None:
    client = await WsConnection.open(server, token=token)
    for text in ["{not json", "[1, 2]", '{"type": 7}', '{"type": "dance"}', '{"no_type": 1}']:
        await client.websocket.send(text)
        answer = await client.receive()
        assert (answer["type"], answer["code"]) == ("error", "bad_request"), (text, answer)
    await client.send({"type": "ping"})
    assert await client.receive() == {"type": "pong"}, "bad input does not end the connection"
    await client.close()


async def oversize_message(server: Server, token: str) -> None:
    client = await WsConnection.open(server, token=token)
    await client.websocket.send(padded_ping(MAX_MESSAGE_BYTES))
    assert await client.receive() == {"type": "pong"}, "exactly 64 KiB is fine"
    await client.websocket.send(padded_ping(MAX_MESSAGE_BYTES + 1))
    assert await close_code(client) == 1009


async def flood(server: Server, token: str) -> None:
    client = await WsConnection.open(server, token=token)
    for _ in range(200):
        await client.send({"type": "ping"})
    assert await close_code(client) == 4429


async def others_rooms(server: Server, token: str, others_job_id: str, other_id: int) -> None:
    client = await WsConnection.open(server, token=token)
    for room in (f"job:{others_job_id}", f"job:{uuid.uuid4()}", f"user:{other_id}"):
        await client.send({"type": "subscribe", "room": room})
        answer = await client.receive()
        assert (answer["type"], answer["code"], answer["room"]) == ("error", "forbidden", room)
    await client.send({"type": "ping"})
    assert await client.receive() == {"type": "pong"}, "no event of the other's job leaked"
    await client.close()


async def no_authentication(server: Server, job_id: str) -> None:
    client = await WsConnection.open(server)
    await client.send({"type": "subscribe", "room": f"job:{job_id}"})
    assert await close_code(client) == 4401


async def test_hostile_clients_get_their_answers_and_a_good_client_loses_nothing(
    daphne_server, token, session_cookie, user, other_user
):
    create_job = database_sync_to_async(JobFactory.create)  # closes the connection it opens
    job, others_job = await create_job(owner=user), await create_job(owner=other_user)
    emitter = EmitterProcess([(job.id, draft) for draft in pipeline(EVENTS)], interval=0.02)
    await asyncio.to_thread(emitter.wait_ready)
    good = await WsConnection.open(daphne_server, token=token)
    await good.subscribe(f"job:{job.id}", after=0)

    emitter.go()
    hostile = [
        malformed_and_unknown(daphne_server, token),
        oversize_message(daphne_server, token),
        flood(daphne_server, token),
        others_rooms(daphne_server, token, str(others_job.id), other_user.pk),
        no_authentication(daphne_server, str(job.id)),
        assert_refused_from_another_site(daphne_server, session_cookie),
    ]
    received, *_ = await asyncio.gather(good.receive_events(EVENTS), *hostile)
    await asyncio.to_thread(emitter.wait_done)

    assert [event["seq"] for event in received] == list(range(1, EVENTS + 1))
    assert daphne_server.process.poll() is None, "daphne is still running"
    assert '"level": "error"' not in daphne_server.log_path.read_text(), "nothing went wrong inside"
    await good.send({"type": "ping"})
    assert await good.receive() == {"type": "pong"}
    await good.close()
