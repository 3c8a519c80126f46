"""The reaper: jobs with no event for JOB_STALLED_AFTER are requeued, or fail after the last try."""

from datetime import timedelta

import pytest
from django.utils import timezone

from jobs.emitter import emit
from jobs.events import EventDraft, Stage, Status
from jobs.models import Job, JobEvent
from jobs.services import jobs_requeue_stalled
from tests.pipeline.conftest import upload

pytestmark = pytest.mark.usefixtures("no_enqueue")


def silent_for(job: Job, seconds: int) -> None:
    """As if the job's last event had been `seconds` ago."""
    Job.objects.filter(id=job.id).update(last_event_at=timezone.now() - timedelta(seconds=seconds))


def make_active(job: Job) -> None:
    emit(
        job.id,
        EventDraft(status=Status.ACTIVE, stage=Stage.EXTRACTING_TEXT, progress=20, message="x"),
    )


@pytest.fixture
def running_job(user, corpus, settings):
    settings.JOB_STALLED_AFTER = timedelta(seconds=60)
    job = upload(user, corpus / "minimal-document.pdf").job
    make_active(job)
    return job


def statuses(job: Job) -> list[tuple[str, str, int]]:
    return list(
        JobEvent.objects.filter(job=job).order_by("seq").values_list("status", "stage", "attempt")
    )


def test_an_active_job_silent_past_the_limit_is_requeued_as_a_new_attempt(running_job):
    silent_for(running_job, 120)
    assert jobs_requeue_stalled() == 1
    running_job.refresh_from_db()
    assert (running_job.status, running_job.attempt, running_job.progress) == ("queued", 2, 0)
    assert statuses(running_job)[-2:] == [
        ("stalled", "extracting_text", 1),
        ("queued", "queued", 2),
    ]


def test_a_job_that_keeps_reporting_is_left_alone(running_job):
    silent_for(running_job, 30)
    assert jobs_requeue_stalled() == 0
    running_job.refresh_from_db()
    assert running_job.status == "active"


def test_a_queued_job_whose_task_was_lost_is_requeued(user, corpus, settings):
    settings.JOB_STALLED_AFTER = timedelta(seconds=60)
    job = upload(user, corpus / "minimal-document.pdf").job
    silent_for(job, 120)
    assert jobs_requeue_stalled() == 1
    job.refresh_from_db()
    assert (job.status, job.attempt) == ("queued", 2)


def test_after_the_last_attempt_a_stalled_job_fails_with_job_stalled(running_job, settings):
    settings.JOB_MAX_ATTEMPTS = 1
    silent_for(running_job, 120)
    jobs_requeue_stalled()
    running_job.refresh_from_db()
    assert (running_job.status, running_job.error_code, running_job.recoverable) == (
        "failed",
        "JOB_STALLED",
        True,
    )
    assert statuses(running_job)[-2:] == [
        ("stalled", "extracting_text", 1),
        ("failed", "failed", 1),
    ]
