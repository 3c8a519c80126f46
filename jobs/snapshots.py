"""The job snapshot (PROTOCOL.md section 4) and events as read back from the log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from jobs.events import format_timestamp
from jobs.models import Job, JobEvent


def _time(moment: datetime | None) -> str | None:
    return format_timestamp(moment) if moment is not None else None


def job_snapshot(job: Job) -> dict[str, Any]:
    """The job as `GET /api/jobs/<id>/` returns it. Expects `document` to be loaded."""
    error = (
        {"code": job.error_code, "message": job.error_message, "recoverable": job.recoverable}
        if job.error_code
        else None
    )
    return {
        "id": str(job.id),
        "document_id": str(job.document_id),
        "file_name": job.document.original_name,
        "status": job.status,
        "stage": job.stage,
        "progress": job.progress,
        "message": job.message,
        "attempt": job.attempt,
        "last_seq": job.last_seq,
        "error": error,
        "result": job.result,
        "created_at": _time(job.created_at),
        "started_at": _time(job.started_at),
        "finished_at": _time(job.finished_at),
    }


def event_payload(row: JobEvent) -> dict[str, Any]:
    """A logged event in its wire shape (PROTOCOL.md section 2)."""
    return {
        "job_id": str(row.job_id),
        "user_id": str(row.user_id),
        "document_id": str(row.document_id),
        "seq": row.seq,
        "user_seq": row.user_seq,
        "attempt": row.attempt,
        "status": row.status,
        "stage": row.stage,
        "progress": row.progress,
        "message": row.message,
        "metadata": row.metadata,
        "result": row.result,
        "error": row.error,
        "timestamp": format_timestamp(row.created_at),
    }
