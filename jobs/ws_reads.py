"""The consumer's database reads (it never writes), each one call to `database_sync_to_async`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from channels.db import database_sync_to_async
from django.contrib.auth.models import User
from rest_framework.authtoken.models import Token

from jobs import event_log
from jobs.access import get_job_for_user
from jobs.models import Job
from jobs.snapshots import job_snapshot


@dataclass(frozen=True)
class Replay:
    snapshot: Any
    recovered: bool
    # Where the connection stands before the replayed events are applied.
    start_cursor: int
    events: list[dict[str, Any]] = field(default_factory=list)


@database_sync_to_async
def user_for_token(key: str) -> User | None:
    token = Token.objects.select_related("user").filter(key=key).first()
    return token.user if token is not None and token.user.is_active else None


@database_sync_to_async
def job_replay(user: User, job_id: str, after: int | None) -> Replay | None:
    try:
        job = get_job_for_user(user, job_id)
    except Job.DoesNotExist:
        return None
    snapshot = job_snapshot(job)
    if after is None:
        return Replay(snapshot=snapshot, recovered=True, start_cursor=job.last_seq)
    return _replay(snapshot, after, lambda cursor: event_log.job_events_after(job, cursor))


@database_sync_to_async
def user_replay(user: User, after: int | None) -> Replay:
    # The head before the snapshot: an event committed between the two then comes live after
    # the snapshot (which may show it too), instead of falling behind both.
    head = event_log.user_stream_head(user)
    snapshot = event_log.user_jobs_snapshot(user)
    if after is None:
        return Replay(snapshot=snapshot, recovered=True, start_cursor=head)
    return _replay(
        snapshot, after, lambda cursor: event_log.user_events_after(user, cursor, head=head)
    )


def _replay(snapshot: Any, after: int, read: Any) -> Replay:
    page: event_log.LogPage = read(after)
    if not page.recovered:
        return Replay(snapshot=snapshot, recovered=False, start_cursor=page.cursor)
    events = list(page.events)
    while page.has_more:
        page = read(page.cursor)
        events.extend(page.events)
    start = min(after, page.cursor) if not events else after
    return Replay(snapshot=snapshot, recovered=True, start_cursor=start, events=events)


@database_sync_to_async
def stream_heads(
    user: User, *, job_ids: list[str], user_room: bool
) -> tuple[int | None, dict[str, int]]:
    """The user's stream head (when `user_room`) and the last `seq` of each job."""
    user_head = event_log.user_stream_head(user) if user_room else None
    heads = Job.objects.filter(id__in=job_ids).values_list("id", "last_seq") if job_ids else []
    return user_head, {str(job_id): last_seq for job_id, last_seq in heads}


@database_sync_to_async
def job_events_between(job_id: str, after: int, before: int) -> list[dict[str, Any]]:
    return event_log.job_events_between(job_id, after, before)


@database_sync_to_async
def user_events_between(user_id: str, after: int, before: int) -> list[dict[str, Any]]:
    return event_log.user_events_between(int(user_id), after, before)
