"""The numbers on the admin index: the last day of jobs, their durations, the queues."""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count
from django.utils import timezone

from jobs.events import Status
from jobs.models import Job
from ops.broker import queue_depths

logger = logging.getLogger(__name__)

WINDOW = timedelta(hours=24)
MAX_DURATIONS = 10_000  # the most recent completed jobs the percentiles are taken over


@dataclass(frozen=True)
class Dashboard:
    since: datetime
    jobs_by_status: dict[str, int]  # jobs created in the window, every status present
    completed: int  # completed jobs (finished in the window) the durations are taken over
    duration_p50: float | None  # seconds
    duration_p95: float | None
    queue_depths: dict[str, int] | None  # None: the broker did not answer
    failures_by_code: dict[str, int]  # jobs failed in the window, by error code, most first


def dashboard_summary(*, now: datetime | None = None) -> Dashboard:
    since = (now or timezone.now()) - WINDOW
    durations = _completed_durations(since)
    return Dashboard(
        since=since,
        jobs_by_status=_jobs_by_status(since),
        completed=len(durations),
        duration_p50=percentile(durations, 50),
        duration_p95=percentile(durations, 95),
        queue_depths=_queue_depths(),
        failures_by_code=_failures_by_code(since),
    )


def percentile(values: list[float], rank: float) -> float | None:
    """The nearest-rank percentile of `values` (None for none)."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(math.ceil(rank / 100 * len(ordered)) - 1, 0)]


def _jobs_by_status(since: datetime) -> dict[str, int]:
    rows = (
        Job.objects.filter(created_at__gte=since)
        .order_by()
        .values("status")
        .annotate(count=Count("id"))
    )
    counts = {row["status"]: row["count"] for row in rows}
    return {status.value: counts.get(status.value, 0) for status in Status}


def _completed_durations(since: datetime) -> list[float]:
    times = (
        Job.objects.filter(
            status=Status.COMPLETED, finished_at__gte=since, started_at__isnull=False
        )
        .order_by("-finished_at")
        .values_list("started_at", "finished_at")[:MAX_DURATIONS]
    )
    return [
        (finished - started).total_seconds() for started, finished in times if started and finished
    ]


def _failures_by_code(since: datetime) -> dict[str, int]:
    rows = (
        Job.objects.filter(status=Status.FAILED, finished_at__gte=since)
        .order_by()
        .values("error_code")
        .annotate(count=Count("id"))
        .order_by("-count", "error_code")
    )
    return {row["error_code"] or "(none)": row["count"] for row in rows}


def _queue_depths() -> dict[str, int] | None:
    try:
        return queue_depths()
    except Exception:
        logger.warning("queue depth unavailable: the broker did not answer", exc_info=True)
        return None
