"""Tasks on the `pdf` queue (CPU and disk)."""

from __future__ import annotations

from celery import shared_task
from django.db import transaction

from jobs.pipeline.runner import PipelineTask, run_step
from jobs.pipeline.steps import Next, job_prepare
from jobs.tasks.ai import generate_notes


@shared_task(base=PipelineTask)
def prepare_document(job_id: str, attempt: int) -> None:
    if run_step(job_prepare, job_id=job_id, attempt=attempt) is Next.GENERATE:
        transaction.on_commit(lambda: generate_notes.delay(job_id, attempt))
