"""Following a group's live events outside a WebSocket consumer (long polling, the command line).

Like the consumer, a follower joins the group first and reads the log after, so an event that
commits in between is waiting in its channel rather than lost.
"""

from __future__ import annotations

import asyncio
import contextlib
from types import TracebackType

from channels.layers import get_channel_layer


class GroupListener:
    def __init__(self, group: str) -> None:
        self.group = group
        self.layer = get_channel_layer()
        self.channel: str | None = None

    async def __aenter__(self) -> GroupListener:
        if self.layer is not None:
            self.channel = await self.layer.new_channel()
            await self.layer.group_add(self.group, self.channel)
        return self

    async def wait(self, seconds: float) -> bool:
        """True when a message reached the group within `seconds`."""
        if self.layer is None or self.channel is None or seconds <= 0:
            return False
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.layer.receive(self.channel), seconds)
            return True
        return False

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self.layer is not None and self.channel is not None:
            await self.layer.group_discard(self.group, self.channel)
