"""Helpers to run the pipeline's steps directly, in order, the way the tasks chain them."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from documents.services import UploadResult, document_upload
from jobs.models import Job
from jobs.pipeline.runner import run_step
from jobs.pipeline.steps import Next, job_finish, job_generate, job_prepare

STEPS = {Next.GENERATE: job_generate, Next.FINISH: job_finish}


def upload(owner, path: Path, name: str | None = None) -> UploadResult:
    file = SimpleUploadedFile(name or path.name, path.read_bytes(), "application/pdf")
    return document_upload(owner=owner, upload=file)


def run_pipeline(job: Job) -> Job:
    """Run the job's steps in this process (no broker): prepare, then what each step names."""
    job.refresh_from_db()
    outcome = run_step(job_prepare, job_id=str(job.id), attempt=job.attempt)
    while outcome in STEPS:
        outcome = run_step(STEPS[outcome], job_id=str(job.id), attempt=job.attempt)
    job.refresh_from_db()
    return job


@pytest.fixture
def no_enqueue(django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    """Keep tasks from reaching the broker while a test drives the steps itself."""
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        yield callbacks
