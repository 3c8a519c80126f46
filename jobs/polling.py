"""The REST polling fallback of PROTOCOL.md section 4, as async views.

Long polling (`wait`) joins the job's or user's group, then reads the log, and only when nothing
is newer than the cursor waits on the channel layer: a waiting request holds no thread.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from asgiref.sync import sync_to_async
from django.http import HttpRequest, JsonResponse

from jobs import event_log
from jobs.access import get_job_for_user
from jobs.api_auth import api_get_only, authenticated_user, error_response, not_authenticated
from jobs.emitter import job_group, user_group
from jobs.live import GroupListener
from jobs.models import Job
from jobs.snapshots import job_snapshot

MAX_WAIT_SECONDS = 25
MAX_LIMIT = 500


def _cursor(
    request: HttpRequest, name: str, default: int, maximum: int | None = None, minimum: int = 0
) -> int:
    """A whole number in ASCII digits within its bounds; ValueError (a 400) otherwise."""
    raw = request.GET.get(name)
    if raw is None or raw == "":
        return default
    if not (raw.isascii() and raw.isdigit()):
        raise ValueError(name)
    value = int(raw)
    if value < minimum or (maximum is not None and value > maximum):
        raise ValueError(name)
    return value


async def _long_poll(
    group: str, wait: int, read: Callable[[], Awaitable[tuple[Any, event_log.LogPage]]]
) -> tuple[Any, event_log.LogPage]:
    if wait == 0:
        return await read()
    # Join first, then read: an event that commits after the read still wakes the wait.
    async with GroupListener(group) as listener:
        state, page = await read()
        if page.events or not page.recovered:
            return state, page
        await listener.wait(wait)
    return await read()


@api_get_only
async def job_events(request: HttpRequest, job_id: str) -> JsonResponse:
    user = await authenticated_user(request)
    if user is None:
        return not_authenticated()
    try:
        after = _cursor(request, "after", 0)
        wait = _cursor(request, "wait", 0, MAX_WAIT_SECONDS)
    except ValueError:
        return error_response(400, "bad_request", "after and wait are whole numbers; wait ≤ 25.")
    try:
        job = await sync_to_async(get_job_for_user)(user, job_id)
    except Job.DoesNotExist:
        return error_response(404, "not_found", "No such job.")

    def read() -> tuple[dict[str, Any], event_log.LogPage]:
        job.refresh_from_db()
        return job_snapshot(job), event_log.job_events_after(job, after)

    snapshot, page = await _long_poll(job_group(job.id), wait, sync_to_async(read))
    return JsonResponse({"job": snapshot, "events": page.events, "recovered": page.recovered})


@api_get_only
async def user_events(request: HttpRequest) -> JsonResponse:
    user = await authenticated_user(request)
    if user is None:
        return not_authenticated()
    try:
        after = _cursor(request, "after", 0)
        limit = _cursor(request, "limit", MAX_LIMIT, MAX_LIMIT, minimum=1)
        wait = _cursor(request, "wait", 0, MAX_WAIT_SECONDS)
    except ValueError:
        return error_response(
            400, "bad_request", "after, limit (1 to 500) and wait (≤ 25) are whole numbers."
        )

    def read() -> tuple[list[dict[str, Any]], event_log.LogPage]:
        return event_log.user_jobs_snapshot(user), event_log.user_events_after(user, after, limit)

    jobs, page = await _long_poll(user_group(user.pk), wait, sync_to_async(read))
    return JsonResponse({"jobs": jobs, "events": page.events, "recovered": page.recovered})
