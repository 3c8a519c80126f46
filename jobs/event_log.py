"""Reading the event log: replay after a cursor, gap fill, and the snapshots that go with them.

Shared by the WebSocket consumer and the polling endpoints, so both answer the same way.
Read-only: only the emitter writes the log.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from uuid import UUID

from django.contrib.auth.models import User
from django.db.models import Q
from django.utils import timezone

from jobs.models import TERMINAL_STATUS_VALUES, Job, JobEvent, UserEventStream
from jobs.snapshots import event_payload, job_snapshot

PAGE_SIZE = 500
RECENTLY_FINISHED = timedelta(hours=24)


@dataclass(frozen=True)
class LogPage:
    events: list[dict[str, Any]]
    # False when events after the cursor were pruned: the snapshot is then the truth.
    recovered: bool
    # The cursor after applying this page (the last event's, or the stream head when empty).
    cursor: int
    has_more: bool


def job_events_after(job: Job, after: int, limit: int = PAGE_SIZE) -> LogPage:
    rows = list(JobEvent.objects.filter(job=job, seq__gt=after).order_by("seq")[: limit + 1])
    return _page(rows, after=after, head=job.last_seq, limit=limit, key="seq")


def user_events_after(
    user: User, after: int, limit: int = PAGE_SIZE, *, head: int | None = None
) -> LogPage:
    """`head` is the stream head read before the caller's snapshot, if it took one.

    The head is read before the rows: read after them, an event committed in between would
    look like pruned history and be skipped.
    """
    if head is None:
        head = user_stream_head(user)
    rows = list(
        JobEvent.objects.filter(user=user, user_seq__gt=after).order_by("user_seq")[: limit + 1]
    )
    return _page(rows, after=after, head=head, limit=limit, key="user_seq")


def _page(rows: list[JobEvent], *, after: int, head: int, limit: int, key: str) -> LogPage:
    has_more = len(rows) > limit
    rows = rows[:limit]
    positions = [getattr(row, key) for row in rows]
    pruned = head > after and (not positions or positions[0] != after + 1)
    if pruned:
        return LogPage(events=[], recovered=False, cursor=head, has_more=False)
    cursor = positions[-1] if positions else min(after, head)
    return LogPage(
        events=[event_payload(row) for row in rows],
        recovered=True,
        cursor=cursor,
        has_more=has_more,
    )


def job_events_between(job_id: UUID | str, after: int, before: int) -> list[dict[str, Any]]:
    """Events of one job with after < seq < before, for filling a gap in live delivery."""
    rows = JobEvent.objects.filter(job_id=job_id, seq__gt=after, seq__lt=before).order_by("seq")
    return [event_payload(row) for row in rows]


def user_events_between(user_id: int, after: int, before: int) -> list[dict[str, Any]]:
    rows = JobEvent.objects.filter(
        user_id=user_id, user_seq__gt=after, user_seq__lt=before
    ).order_by("user_seq")
    return [event_payload(row) for row in rows]


def user_stream_head(user: User) -> int:
    head = UserEventStream.objects.filter(user=user).values_list("last_user_seq", flat=True)
    return next(iter(head), 0)


def user_jobs_snapshot(user: User) -> list[dict[str, Any]]:
    """The user's jobs that are not terminal, plus those that ended in the last 24 hours."""
    since = timezone.now() - RECENTLY_FINISHED
    jobs = (
        Job.objects.owned_by(user)
        .filter(~Q(status__in=TERMINAL_STATUS_VALUES) | Q(finished_at__gte=since))
        .select_related("document")
        .order_by("-created_at")
    )
    return [job_snapshot(job) for job in jobs]
