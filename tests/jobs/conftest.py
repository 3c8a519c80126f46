"""Fixtures for the event tests: WebSocket clients on the real ASGI app, emitting, a lossy layer.

The consumer runs in this process on the real Redis channel layer and reads the database from
its own threads, so the tests that use these fixtures are `django_db(transaction=True)`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any
from uuid import UUID

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import User

from config.asgi import application
from jobs import emitter
from jobs.events import Event, EventDraft
from jobs.models import Job
from tests.factories import JobFactory
from tests.servers import (  # noqa: F401 (two fixtures)
    ProtocolClient,
    celery_worker,
    daphne_server,
    emit_one,
)

ALLOWED_ORIGIN = "http://testserver"
RECEIVE_TIMEOUT = 5


class WsClient(ProtocolClient):
    """One WebSocket connection to `/ws/jobs/`, as a client of the protocol sees it."""

    def __init__(self, communicator: WebsocketCommunicator) -> None:
        self.communicator = communicator

    async def send(self, message: dict[str, Any]) -> None:
        await self.communicator.send_json_to(message)

    async def send_text(self, text: str) -> None:
        await self.communicator.send_to(text_data=text)

    async def receive(self, within: float = RECEIVE_TIMEOUT) -> dict[str, Any]:
        message: dict[str, Any] = await self.communicator.receive_json_from(within)
        return message

    async def receive_nothing(self, within: float = 0.2) -> bool:
        return bool(await self.communicator.receive_nothing(within))

    async def close_code(self, within: float = RECEIVE_TIMEOUT) -> int:
        """The code the server closed the connection with (fails on any other message)."""
        output = await self.communicator.receive_output(within)
        assert output["type"] == "websocket.close", output
        return int(output.get("code", 1000))

    async def disconnect(self) -> None:
        await self.communicator.disconnect()


OpenWs = Callable[..., Awaitable[WsClient]]


@pytest.fixture
async def open_ws() -> AsyncIterator[OpenWs]:
    """Open connections: `await open_ws(token=..., cookie=..., origin=...)`.

    With `token` the connection signs in with it; with `cookie` (a session id) the handshake
    carries it. `origin=None` leaves the Origin header out, as a non-browser client does.
    """
    clients: list[WsClient] = []

    async def open_connection(
        *, token: str | None = None, cookie: str | None = None, origin: str | None = ALLOWED_ORIGIN
    ) -> WsClient:
        headers = []
        if origin is not None:
            headers.append((b"origin", origin.encode()))
        if cookie is not None:
            headers.append((b"cookie", f"sessionid={cookie}".encode()))
        communicator = WebsocketCommunicator(application, "/ws/jobs/", headers=headers)
        connected, _ = await communicator.connect(timeout=RECEIVE_TIMEOUT)
        client = WsClient(communicator)
        clients.append(client)
        if not connected:
            raise ConnectionRefusedError("the handshake was refused")
        if token is not None:
            await client.auth(token)
        return client

    yield open_connection
    for client in clients:
        await client.disconnect()


@pytest.fixture
def staff_token(staff_user: User, token_for: Callable[[User], str]) -> str:
    return token_for(staff_user)


@pytest.fixture
def create_job() -> Callable[[User], Awaitable[Job]]:
    """`await create_job(owner)`: a new job (with its document) of `owner`."""
    create: Callable[[User], Awaitable[Job]] = database_sync_to_async(
        lambda owner: JobFactory.create(owner=owner)
    )
    return create


EmitEvent = Callable[[UUID, EventDraft], Awaitable[Event]]


@pytest.fixture
def emit_event() -> EmitEvent:
    """`await emit_event(job_id, draft)`: the one emitter, from a thread, as a worker would."""
    emit_from_a_thread: EmitEvent = database_sync_to_async(emit_one)
    return emit_from_a_thread


class LossyPublisher:
    """The real publisher, except that the layer loses the events named in `lost`."""

    def __init__(self, real: emitter.Publisher, lost: set[tuple[str, int]]) -> None:
        self.real = real
        self.lost = lost

    def publish(self, event: Event) -> None:
        if (str(event.job_id), event.seq) not in self.lost:
            self.real.publish(event)

    def flush(self, timeout: float = 5.0) -> bool:
        return self.real.flush(timeout)


@pytest.fixture
def lost_events(monkeypatch: pytest.MonkeyPatch) -> set[tuple[str, int]]:
    """Add `(job_id, seq)` here and that event is written to the log but never published."""
    lost: set[tuple[str, int]] = set()
    lossy = LossyPublisher(emitter.publisher(), lost)
    monkeypatch.setattr(emitter, "publisher", lambda: lossy)
    return lost
