"""Tasks on the `default` queue: finishing jobs, and periodic housekeeping."""

from __future__ import annotations

from celery import shared_task

from jobs.pipeline.runner import PipelineTask, run_step
from jobs.pipeline.steps import job_finish
from jobs.services import job_events_prune, jobs_requeue_stalled


@shared_task(base=PipelineTask)
def finish_job(job_id: str, attempt: int) -> None:
    run_step(job_finish, job_id=job_id, attempt=attempt)


@shared_task
def reap_stalled_jobs() -> int:
    return jobs_requeue_stalled()


@shared_task
def prune_job_events() -> int:
    return job_events_prune()


@shared_task(ignore_result=False)
def ping() -> str:
    """A round trip through the broker and a worker (readiness checks and smoke tests)."""
    return "pong"
