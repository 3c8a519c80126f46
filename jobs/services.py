"""The operations of the jobs app: create, cancel, retry, requeue stalled jobs, prune events.

Each one goes through the emitter (the only writer of job state) and enqueues work on commit.
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from documents.models import Document
from jobs.emitter import emit
from jobs.errors import JobError
from jobs.events import ErrorCode, EventDraft, EventError, EventMetadata, Stage, Status
from jobs.models import Job, JobEvent

logger = logging.getLogger(__name__)


class JobActionRefused(Exception):
    """The action does not apply to the job in its current state (a 409 at the edges)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _queued_event(job: Job, message: str) -> EventDraft:
    return EventDraft(
        status=Status.QUEUED,
        stage=Stage.QUEUED,
        progress=0,
        message=message,
        metadata=EventMetadata(
            file_name=job.document.original_name,
            file_size=job.document.size,
            page_count=job.document.page_count,
        ),
    )


def _failed_event(job: Job, error: EventError) -> EventDraft:
    return EventDraft(
        status=Status.FAILED,
        stage=Stage.FAILED,
        progress=job.progress,
        message=error.message,
        error=error,
    )


def _start_attempt(job: Job, message: str) -> None:
    """Emit the attempt's queued event and enqueue its first task once that is committed."""
    from jobs.tasks.pdf import prepare_document

    event = emit(job.id, _queued_event(job, message))
    assert event is not None  # only coalesced progress events come back empty

    def send() -> None:
        try:
            result = prepare_document.delay(str(job.id), event.attempt)
        except Exception:
            # The job is stored and queued: the reaper requeues it once the broker is back.
            logger.exception("could not enqueue the job", extra={"job_id": str(job.id)})
            return
        Job.objects.filter(id=job.id).update(celery_task_id=result.id)

    transaction.on_commit(send)


def job_create(*, document: Document) -> Job:
    """A new job for `document`: its queued event, and the pipeline enqueued after commit."""
    job = Job.objects.create(owner=document.owner, document=document)
    _start_attempt(job, "Waiting for a worker")
    job.refresh_from_db()
    return job


def job_cancel(*, job: Job, by: User) -> Job:
    """Cancel a queued or active job; workers notice between stages, pages and chunks."""
    with transaction.atomic():
        job = Job.objects.select_for_update().select_related("document").get(id=job.id)
        if job.is_terminal:
            raise JobActionRefused("not_cancellable", f"The job has already {job.status}.")
        emit(
            job.id,
            EventDraft(
                status=Status.CANCELLED,
                stage=Stage.CANCELLED,
                progress=job.progress,
                message=f"Cancelled by {'staff' if by.is_staff and by != job.owner else 'you'}",
            ),
        )
    job.refresh_from_db()
    return job


def job_retry(*, job: Job, by: User) -> Job:
    """Start a new attempt of a failed (recoverable) or cancelled job; stored outputs are reused."""
    with transaction.atomic():
        job = Job.objects.select_for_update().select_related("document").get(id=job.id)
        retryable = job.status == Status.CANCELLED or (
            job.status == Status.FAILED and (job.recoverable or by.is_staff)
        )
        if not retryable:
            raise JobActionRefused(
                "not_retryable",
                "Only cancelled jobs and failed jobs whose error is recoverable can be retried.",
            )
        _start_attempt(job, f"Retrying (attempt {job.attempt + 1})")
    job.refresh_from_db()
    return job


def job_fail(*, job_id: str, attempt: int, error: JobError) -> None:
    """End attempt `attempt` of a job with `error`, unless it is over already (a cancel, or a
    requeue, got there first)."""
    with transaction.atomic():
        job = Job.objects.select_for_update().get(id=job_id)
        if job.is_terminal or job.attempt != attempt:
            return
        emit(job.id, _failed_event(job, error.to_event_error()))


# A queued job can stall too: its task message may be lost (a broker restarted without
# persistence). Requeueing it is safe: the old message, if it ever runs, finds a newer attempt.
REAPED_STATUSES = (Status.QUEUED, Status.ACTIVE)


def jobs_requeue_stalled(*, now: datetime | None = None) -> int:
    """Requeue queued or active jobs with no event for JOB_STALLED_AFTER, or fail them after
    their last attempt; returns how many were handled."""
    cutoff = (now or timezone.now()) - settings.JOB_STALLED_AFTER
    stalled_ids = list(
        Job.objects.filter(status__in=REAPED_STATUSES, last_event_at__lt=cutoff).values_list(
            "id", flat=True
        )
    )
    for job_id in stalled_ids:
        job_requeue_stalled(job_id=str(job_id), cutoff=cutoff)
    return len(stalled_ids)


def job_requeue_stalled(*, job_id: str, cutoff: datetime | None = None) -> Job:
    """Requeue one queued or active job as a new attempt (or fail it after the last attempt).

    With `cutoff`, only if it has still had no event since then (the reaper); without, at once
    (an operator's requeue).
    """
    with transaction.atomic():
        job = Job.objects.select_for_update().select_related("document").get(id=job_id)
        still_stalled = job.status in REAPED_STATUSES and (
            cutoff is None or (job.last_event_at is not None and job.last_event_at < cutoff)
        )
        if not still_stalled:
            return job
        emit(
            job.id,
            EventDraft(
                status=Status.STALLED,
                stage=Stage(job.stage),
                progress=job.progress,
                message="No progress for a while; a worker may have stopped",
            ),
        )
        if job.attempt >= settings.JOB_MAX_ATTEMPTS:
            stalled = EventError.of(
                ErrorCode.JOB_STALLED, "The job stopped making progress. Please retry it."
            )
            emit(job.id, _failed_event(job, stalled))
        else:
            _start_attempt(job, f"Requeued (attempt {job.attempt + 1})")
    logger.warning("stalled job handled", extra={"job_id": str(job.id)})
    job.refresh_from_db()
    return job


def job_events_prune() -> int:
    """Delete events older than EVENT_RETENTION; returns how many went.

    Clients whose cursor falls into the pruned part get `recovered: false` and the snapshot.
    """
    cutoff = timezone.now() - settings.EVENT_RETENTION
    deleted, _ = JobEvent.objects.filter(created_at__lt=cutoff).delete()
    return deleted
