"""How a pipeline step reports: stage entries, coalesced progress, cancel checks, completion.

A redelivered task runs its step again from the top; the reporter makes that safe. A stage the
attempt already entered is not announced again, and progress never goes back.
"""

from __future__ import annotations

import time
from typing import Any

from django.utils import timezone

from jobs.emitter import emit
from jobs.errors import JobCancelled
from jobs.events import EventDraft, EventMetadata, EventResult, Stage, Status
from jobs.models import Job
from jobs.transitions import SupersededAttempt

CANCEL_CHECK_INTERVAL = 0.5


class StageReporter:
    def __init__(self, job: Job, attempt: int) -> None:
        self.job_id = job.id
        self.attempt = attempt
        self.stage = Stage(job.stage)
        self.progress = job.progress
        self.started_at = job.started_at
        self._last_cancel_check = time.monotonic()

    def enter(self, stage: Stage, progress: int, message: str, **metadata: Any) -> None:
        """Announce `stage`, unless this attempt is already in it or past it."""
        if self.stage is not Stage.QUEUED and stage.order <= self.stage.order:
            return
        self._emit(Status.ACTIVE, stage, progress, message, metadata, coalesce=False)

    def advance(self, progress: int, message: str, **metadata: Any) -> None:
        """In-stage progress: coalesced, and a cancel check."""
        self.check_cancelled()
        self._emit(Status.ACTIVE, self.stage, progress, message, metadata, coalesce=True)

    def complete(self, *, note_id: Any, title: str, cache_hit: bool) -> None:
        started = self.started_at or timezone.now()
        elapsed_ms = max(0, int((timezone.now() - started).total_seconds() * 1000))
        result = EventResult(
            note_id=note_id, title=title, processing_time_ms=elapsed_ms, cache_hit=cache_hit
        )
        self._emit(
            Status.COMPLETED,
            Stage.COMPLETED,
            100,
            "Your notes are ready",
            {},
            coalesce=False,
            result=result,
        )

    def check_cancelled(self) -> None:
        """Raise `JobCancelled` when the attempt is over; reads the job at most twice a second."""
        now = time.monotonic()
        if now - self._last_cancel_check < CANCEL_CHECK_INTERVAL:
            return
        self._last_cancel_check = now
        status, attempt = Job.objects.values_list("status", "attempt").get(id=self.job_id)
        if Status(status).is_terminal or attempt != self.attempt:
            raise JobCancelled(str(self.job_id))

    def _emit(
        self,
        status: Status,
        stage: Stage,
        progress: int,
        message: str,
        metadata: dict[str, Any],
        *,
        coalesce: bool,
        result: EventResult | None = None,
    ) -> None:
        draft = EventDraft(
            status=status,
            stage=stage,
            progress=max(progress, self.progress),
            message=message,
            metadata=EventMetadata(**metadata),
            result=result,
        )
        try:
            event = emit(self.job_id, draft, coalesce=coalesce, expected_attempt=self.attempt)
        except SupersededAttempt:
            raise JobCancelled(str(self.job_id)) from None
        if event is not None:
            self.stage, self.progress = event.stage, event.progress
            if self.started_at is None:
                self.started_at = event.timestamp
