"""`/ws/jobs/`: the job event protocol over WebSocket (PROTOCOL.md section 3).

Subscribing joins the group first and then reads the log, so no event falls between the
snapshot and the live stream; `DeliveryTracker` drops what this connection already has and
names the gaps a dropped layer message leaves, which are filled from the log. A connection that
falls behind also checks the log's heads once it is quiet: the layer drops the newest messages
when it is over capacity, and a lost last event has no later one to reveal it. The consumer
only reads the database.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections import deque
from datetime import UTC, datetime
from typing import Any

from channels.generic.websocket import AsyncWebsocketConsumer
from django.contrib.auth.models import User
from django.dispatch import Signal

from jobs import ws_reads
from jobs.delivery import DeliveryTracker, Gap
from jobs.ws_limits import (
    AUTH_TIMEOUT_SECONDS,
    CLOSE_RATE_LIMITED,
    CLOSE_TOO_BIG,
    CLOSE_UNAUTHENTICATED,
    MAX_MESSAGE_BYTES,
    MAX_MESSAGES_PER_SECOND,
    MAX_ROOMS,
)
from jobs.ws_rooms import JobRoom, Room, RoomError, parse_room

logger = logging.getLogger(__name__)

# Sent when a connection opens and closes: the metrics hook.
connection_opened = Signal()
connection_closed = Signal()
# A live event older than this shows the connection is behind (the layer may be dropping);
# such a connection checks the log's heads once no event has come for QUIET_SECONDS.
BEHIND_SECONDS = 1.0
QUIET_SECONDS = 0.5


class JobEventsConsumer(AsyncWebsocketConsumer):
    user: User | None
    tracker: DeliveryTracker
    rooms: dict[str, Room]  # by group name

    async def connect(self) -> None:
        self.user = None
        self.rooms = {}
        self.closing = False
        self.recent_messages: deque[float] = deque()
        self.auth_deadline: asyncio.Task[None] | None = None
        self.tail_check: asyncio.Task[None] | None = None
        # Live events, replays and tail checks send in turn, never interleaved.
        self.delivering = asyncio.Lock()
        await self.accept()
        connection_opened.send(sender=type(self))
        self.counted = True
        session_user = self.scope.get("user")
        if isinstance(session_user, User) and session_user.is_authenticated:
            await self._authenticated(session_user)
        else:
            self.auth_deadline = asyncio.create_task(self._close_if_unauthenticated())

    async def disconnect(self, code: int) -> None:
        if getattr(self, "counted", False):  # a handshake refused before `connect` is not
            connection_closed.send(sender=type(self))
        if self.auth_deadline is not None:
            self.auth_deadline.cancel()
        if self.tail_check is not None:
            self.tail_check.cancel()
        for room in self.rooms.values():
            await self.channel_layer.group_discard(room.group, self.channel_name)

    async def close(self, code: int | bool | None = None, reason: str | None = None) -> None:
        self.closing = True
        await super().close(code, reason)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if self.closing:  # it was on its way when the connection was closed
            return
        size = len(text_data.encode()) if text_data is not None else len(bytes_data or b"")
        if size > MAX_MESSAGE_BYTES:  # daphne run by config.serve refuses these before us
            await self.close(code=CLOSE_TOO_BIG)
            return
        if self._over_rate_limit():
            await self._error("rate_limited", "Too many messages; slow down.")
            await self.close(code=CLOSE_RATE_LIMITED)
            return
        message = _parse(text_data)
        if message is None:
            await self._error("bad_request", "Messages are JSON objects with a known type.")
            return
        kind = message["type"]
        if kind == "ping":
            await self._send({"type": "pong"})
        elif kind == "auth":
            await self._authenticate_with_token(message.get("token"))
        elif self.user is None:
            await self.close(code=CLOSE_UNAUTHENTICATED)
        elif kind == "subscribe":
            async with self.delivering:
                await self._subscribe(message)
        elif kind == "unsubscribe":
            async with self.delivering:
                await self._unsubscribe(message)
        else:
            await self._error("bad_request", f"Unknown message type {kind!r}.")

    # --- authentication ----------------------------------------------------------------

    async def _close_if_unauthenticated(self) -> None:
        await asyncio.sleep(AUTH_TIMEOUT_SECONDS)
        if self.user is None:
            await self.close(code=CLOSE_UNAUTHENTICATED)

    async def _authenticate_with_token(self, token: object) -> None:
        user = await ws_reads.user_for_token(token) if isinstance(token, str) else None
        if user is None:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        if self.user is not None and self.user.pk != user.pk:
            await self._error("bad_request", "This connection is signed in as another user.")
            return
        await self._authenticated(user)

    async def _authenticated(self, user: User) -> None:
        if self.auth_deadline is not None:
            self.auth_deadline.cancel()
            self.auth_deadline = None
        if self.user is None:
            self.user = user
            self.tracker = DeliveryTracker(user_id=str(user.pk))
        await self._send({"type": "auth_ok", "user_id": str(user.pk)})

    # --- rooms -------------------------------------------------------------------------

    async def _subscribe(self, message: dict[str, Any]) -> None:
        assert self.user is not None
        room_name = message.get("room")
        after = message.get("after")
        if after is not None and (type(after) is not int or after < 0):
            await self._error("bad_request", "'after' is a cursor: a whole number.", room_name)
            return
        try:
            room = parse_room(room_name, self.user)
        except RoomError as error:
            await self._error(error.code, error.message, room_name)
            return
        if room.group not in self.rooms and len(self.rooms) >= MAX_ROOMS:
            await self._error("too_many_subscriptions", f"At most {MAX_ROOMS} rooms.", room.name)
            return
        # Join first, then read: an event committed meanwhile arrives live and is deduplicated.
        await self.channel_layer.group_add(room.group, self.channel_name)
        if isinstance(room, JobRoom):
            replay = await ws_reads.job_replay(self.user, room.job_id, after)
        else:
            replay = await ws_reads.user_replay(self.user, after)
        if replay is None:
            await self.channel_layer.group_discard(room.group, self.channel_name)
            await self._error("forbidden", "No such room, or not yours.", room.name)
            return
        self.rooms[room.group] = room
        if isinstance(room, JobRoom):
            self.tracker.subscribe_job(room.job_id, replay.start_cursor)
        else:
            self.tracker.subscribe_user(replay.start_cursor)
        replayed = [event for event in replay.events if self.tracker.accept(event)]
        await self._send(
            {
                "type": "subscribed",
                "room": room.name,
                "snapshot": replay.snapshot,
                "replayed": len(replayed),
                "recovered": replay.recovered,
            }
        )
        for event in replayed:
            await self._send({"type": "event", "event": event})

    async def _unsubscribe(self, message: dict[str, Any]) -> None:
        assert self.user is not None
        try:
            room = parse_room(message.get("room"), self.user)
        except RoomError as error:
            await self._error(error.code, error.message, message.get("room"))
            return
        if self.rooms.pop(room.group, None) is not None:
            await self.channel_layer.group_discard(room.group, self.channel_name)
            if isinstance(room, JobRoom):
                self.tracker.unsubscribe_job(room.job_id)
            else:
                self.tracker.unsubscribe_user()
        await self._send({"type": "unsubscribed", "room": room.name})

    # --- live events -------------------------------------------------------------------

    async def job_event(self, message: dict[str, Any]) -> None:
        """A live event from a group (`job.<id>` or `user.<id>`)."""
        if self.user is None:
            return
        event = message["event"]
        async with self.delivering:
            while (gap := self.tracker.next_gap(event)) is not None:
                await self._fill(gap)
            if self.tracker.accept(event):
                await self._send({"type": "event", "event": event})
        if _age_seconds(event) > BEHIND_SECONDS:
            if self.tail_check is not None:
                self.tail_check.cancel()
            self.tail_check = asyncio.create_task(self._check_tail_when_quiet())

    async def _check_tail_when_quiet(self) -> None:
        await asyncio.sleep(QUIET_SECONDS)
        async with self.delivering:
            assert self.user is not None
            user_head, job_heads = await ws_reads.stream_heads(
                self.user,
                job_ids=sorted(self.tracker.job_rooms),
                user_room=self.tracker.user_cursor is not None,
            )
            for gap in self.tracker.tail_gaps(user_head, job_heads):
                await self._fill(gap)

    async def _fill(self, gap: Gap) -> None:
        if gap.job_id is None:
            missing = await ws_reads.user_events_between(
                self.tracker.user_id, gap.after, gap.before
            )
        else:
            missing = await ws_reads.job_events_between(gap.job_id, gap.after, gap.before)
        # Offer what the log holds first: marking the gap filled moves the cursor past it.
        for event in missing:
            if self.tracker.accept(event):
                await self._send({"type": "event", "event": event})
        self.tracker.gap_filled(gap)

    # --- helpers -----------------------------------------------------------------------

    def _over_rate_limit(self) -> bool:
        now = time.monotonic()
        self.recent_messages.append(now)
        while self.recent_messages and now - self.recent_messages[0] > 1.0:
            self.recent_messages.popleft()
        return len(self.recent_messages) > MAX_MESSAGES_PER_SECOND

    async def _error(self, code: str, text: str, room: object = None) -> None:
        payload: dict[str, Any] = {"type": "error", "code": code, "message": text}
        if isinstance(room, str):
            payload["room"] = room
        await self._send(payload)

    async def _send(self, payload: dict[str, Any]) -> None:
        if self.closing:  # daphne refuses to send on a closing connection
            return
        await self.send(text_data=json.dumps(payload, separators=(",", ":")))


def _age_seconds(event: dict[str, Any]) -> float:
    return (datetime.now(UTC) - datetime.fromisoformat(event["timestamp"])).total_seconds()


def _parse(text_data: str | None) -> dict[str, Any] | None:
    if text_data is None:
        return None
    try:
        message = json.loads(text_data)
    except ValueError:
        return None
    if not isinstance(message, dict) or not isinstance(message.get("type"), str):
        return None
    return message
