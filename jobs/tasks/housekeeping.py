"""Periodic and small tasks on the default queue."""

from __future__ import annotations

from celery import shared_task

from jobs.services import job_events_prune


@shared_task
def prune_job_events() -> int:
    return job_events_prune()


@shared_task(ignore_result=False)
def ping() -> str:
    """A round trip through the broker and a worker (readiness checks and smoke tests)."""
    return "pong"
