"""Tasks on the `ai` queue (model calls: slow network)."""

from __future__ import annotations

from celery import shared_task
from django.db import transaction

from jobs.pipeline.runner import PipelineTask, run_step
from jobs.pipeline.steps import Next, job_generate
from jobs.tasks.housekeeping import finish_job


@shared_task(base=PipelineTask)
def generate_notes(job_id: str, attempt: int) -> None:
    if run_step(job_generate, job_id=job_id, attempt=attempt) is Next.FINISH:
        transaction.on_commit(lambda: finish_job.delay(job_id, attempt))
