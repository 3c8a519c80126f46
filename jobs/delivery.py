"""What one connection has delivered, per job and along the user stream (pure; no I/O).

Two kinds of cursor:
- per job, the highest `seq` delivered to this connection (every delivery raises it);
- for the user room, `user_cursor`: every event of the user's stream up to it has been
  delivered or lies before the subscription point. It only moves one step at a time, so an
  event that arrives ahead of it reveals a gap, which the consumer fills from the log.

The consumer asks `next_gap` before delivering a live event (and fills each gap it names), then
`accept` decides whether the event goes out, and records it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

Payload = dict[str, Any]


@dataclass(frozen=True)
class Gap:
    """Events strictly between `after` and `before` are missing: in the user stream (by
    `user_seq`) when `job_id` is None, otherwise in that job (by `seq`)."""

    after: int
    before: int
    job_id: str | None = None


@dataclass
class DeliveryTracker:
    user_id: str
    job_cursors: dict[str, int] = field(default_factory=dict)
    job_rooms: set[str] = field(default_factory=set)
    user_cursor: int | None = None  # None while the user room is not subscribed

    def _in_user_stream(self, event: Payload) -> bool:
        return self.user_cursor is not None and event["user_id"] == self.user_id

    def _new_for_job(self, event: Payload) -> bool:
        return bool(event["seq"] > self.job_cursors.get(event["job_id"], 0))

    def next_gap(self, event: Payload) -> Gap | None:
        user_cursor = self.user_cursor
        if (
            user_cursor is not None
            and self._in_user_stream(event)
            and event["user_seq"] > user_cursor + 1
        ):
            return Gap(after=user_cursor, before=event["user_seq"])
        job_cursor = self.job_cursors.get(event["job_id"])
        if (
            event["job_id"] in self.job_rooms
            and job_cursor is not None
            and event["seq"] > job_cursor + 1
        ):
            return Gap(after=job_cursor, before=event["seq"], job_id=event["job_id"])
        return None

    def gap_filled(self, gap: Gap) -> None:
        """Whatever the log still held of `gap` has been offered; never ask for it again."""
        if gap.job_id is None:
            self.user_cursor = max(self.user_cursor or 0, gap.before - 1)
        else:
            self.job_cursors[gap.job_id] = max(self.job_cursors.get(gap.job_id, 0), gap.before - 1)

    def accept(self, event: Payload) -> bool:
        """Whether `event` is to be sent now; records it if so."""
        deliver = event["job_id"] in self.job_rooms and self._new_for_job(event)
        if (
            self.user_cursor is not None
            and self._in_user_stream(event)
            and event["user_seq"] > self.user_cursor
        ):
            # Next in the user stream (gaps were filled before): it moves the cursor.
            self.user_cursor = event["user_seq"]
            deliver = self._new_for_job(event)
        if deliver:
            self.job_cursors[event["job_id"]] = event["seq"]
        return deliver

    def tail_gaps(self, user_head: int | None, job_heads: dict[str, int]) -> list[Gap]:
        """The gaps between what was delivered and the log's heads (a lost last event leaves
        one that no later live event reveals)."""
        gaps = []
        if self.user_cursor is not None and user_head is not None and user_head > self.user_cursor:
            gaps.append(Gap(after=self.user_cursor, before=user_head + 1))
        for job_id, head in job_heads.items():
            cursor = self.job_cursors.get(job_id, 0)
            if job_id in self.job_rooms and head > cursor:
                gaps.append(Gap(after=cursor, before=head + 1, job_id=job_id))
        return gaps

    def subscribe_job(self, job_id: str, cursor: int) -> None:
        self.job_rooms.add(job_id)
        self.job_cursors[job_id] = max(self.job_cursors.get(job_id, 0), cursor)

    def unsubscribe_job(self, job_id: str) -> None:
        self.job_rooms.discard(job_id)

    def subscribe_user(self, cursor: int) -> None:
        self.user_cursor = cursor

    def unsubscribe_user(self) -> None:
        self.user_cursor = None
