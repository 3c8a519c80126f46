"""An idle subscribed connection stays open through daphne (DESIGN.md section 12).

redis-py 8 times out socket reads after 5 s, as long as the channel layer's blocking receive,
so without `socket_timeout: None` an idle consumer dies with close 1011 within seconds.
"""

import asyncio

import pytest

from jobs.emitter import emit
from jobs.events import Stage
from tests.servers import EmitterProcess, WsConnection, active, queued

pytestmark = pytest.mark.django_db(transaction=True)

IDLE_SECONDS = 30


@pytest.mark.slow
async def test_an_idle_subscribed_connection_survives_30_seconds_and_still_gets_events(
    daphne_server, token, job
):
    await asyncio.to_thread(emit, job.id, queued())
    emitter = EmitterProcess([(job.id, active(Stage.INITIALIZING, 5))])
    emitter.wait_ready()
    client = await WsConnection.open(daphne_server, token=token)
    await client.subscribe(f"job:{job.id}")

    with pytest.raises(TimeoutError):  # nothing arrives, and nothing closes the connection
        await client.receive(within=IDLE_SECONDS)

    emitter.go()
    answer = await client.receive()
    await asyncio.to_thread(emitter.wait_done)
    assert (answer["type"], answer["event"]["seq"]) == ("event", 2)
