"""The job event schema (PROTOCOL.md section 2).

The single source of the status, stage and error-code names for Python, the admin, the API
schema and the page script. No Django imports: workers, the consumer and pure code share it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, Self
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, field_serializer, model_validator


class Status(StrEnum):
    QUEUED = "queued"
    ACTIVE = "active"
    COMPLETED = "completed"
    FAILED = "failed"
    STALLED = "stalled"
    CANCELLED = "cancelled"

    @property
    def is_terminal(self) -> bool:
        return self in TERMINAL_STATUSES


TERMINAL_STATUSES = frozenset({Status.COMPLETED, Status.FAILED, Status.CANCELLED})


class Stage(StrEnum):
    """The twelve stages, in pipeline order."""

    QUEUED = "queued"
    INITIALIZING = "initializing"
    DOWNLOADING = "downloading"
    CHECKING_CACHE = "checking_cache"
    EXTRACTING_TEXT = "extracting_text"
    GENERATING_NOTES = "generating_notes"
    GENERATING_QUIZ = "generating_quiz"
    SAVING = "saving"
    CACHING = "caching"
    COMPLETED = "completed"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return STAGE_LABELS[self]

    @property
    def order(self) -> int:
        return list(Stage).index(self)


STAGE_LABELS: dict[Stage, str] = {
    Stage.QUEUED: "Queued",
    Stage.INITIALIZING: "Starting",
    Stage.DOWNLOADING: "Reading the file",
    Stage.CHECKING_CACHE: "Checking for earlier notes",
    Stage.EXTRACTING_TEXT: "Extracting text",
    Stage.GENERATING_NOTES: "Writing notes",
    Stage.GENERATING_QUIZ: "Writing the quiz",
    Stage.SAVING: "Saving",
    Stage.CACHING: "Caching",
    Stage.COMPLETED: "Done",
    Stage.FAILED: "Failed",
    Stage.CANCELLED: "Cancelled",
}

# The terminal statuses end in the stage of the same name.
TERMINAL_STAGE: dict[Status, Stage] = {
    Status.COMPLETED: Stage.COMPLETED,
    Status.FAILED: Stage.FAILED,
    Status.CANCELLED: Stage.CANCELLED,
}


class ErrorCode(StrEnum):
    PDF_INVALID = "PDF_INVALID"
    PDF_ENCRYPTED = "PDF_ENCRYPTED"
    PDF_NO_TEXT = "PDF_NO_TEXT"
    PDF_TOO_LARGE = "PDF_TOO_LARGE"
    PDF_TOO_MANY_PAGES = "PDF_TOO_MANY_PAGES"
    PDF_TIMEOUT = "PDF_TIMEOUT"
    AI_RATE_LIMITED = "AI_RATE_LIMITED"
    AI_UNAVAILABLE = "AI_UNAVAILABLE"
    AI_BAD_RESPONSE = "AI_BAD_RESPONSE"
    AI_AUTH = "AI_AUTH"
    JOB_STALLED = "JOB_STALLED"
    JOB_TIMEOUT = "JOB_TIMEOUT"
    INTERNAL_ERROR = "INTERNAL_ERROR"

    @property
    def recoverable(self) -> bool:
        return self in RECOVERABLE_ERRORS


RECOVERABLE_ERRORS = frozenset(
    {
        ErrorCode.AI_RATE_LIMITED,
        ErrorCode.AI_UNAVAILABLE,
        ErrorCode.AI_BAD_RESPONSE,
        ErrorCode.JOB_STALLED,
        ErrorCode.JOB_TIMEOUT,
        ErrorCode.INTERNAL_ERROR,
    }
)


def format_timestamp(moment: datetime) -> str:
    """ISO 8601 UTC with milliseconds: ``2026-11-23T10:00:00.123Z``."""
    return (
        moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
    )


class EventError(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    code: ErrorCode
    message: str = Field(min_length=1, max_length=500)
    recoverable: bool

    @classmethod
    def of(cls, code: ErrorCode, message: str) -> EventError:
        return cls(code=code, message=message, recoverable=code.recoverable)


class EventResult(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    note_id: UUID
    title: str
    processing_time_ms: int = Field(ge=0)
    cache_hit: bool


class EventMetadata(BaseModel):
    """The documented metadata keys; all optional, unknown keys are kept and ignored."""

    model_config = ConfigDict(extra="allow", frozen=True)

    file_name: str | None = None
    file_size: int | None = Field(default=None, ge=0)
    page_count: int | None = Field(default=None, ge=0)
    pages_done: int | None = Field(default=None, ge=0)
    chunks_total: int | None = Field(default=None, ge=0)
    chunks_done: int | None = Field(default=None, ge=0)
    cache_hit: bool | None = None
    estimated_time_remaining_ms: int | None = Field(default=None, ge=0)
    generator: str | None = None


class EventDraft(BaseModel):
    """What a worker says about a job; the emitter numbers and stamps it into an `Event`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    status: Status
    stage: Stage
    progress: int = Field(ge=0, le=100)
    message: str = Field(max_length=500)
    metadata: EventMetadata = Field(default_factory=EventMetadata)
    result: EventResult | None = None
    error: EventError | None = None

    @model_validator(mode="after")
    def _status_matches_stage(self) -> Self:
        terminal_stage = TERMINAL_STAGE.get(self.status)
        if terminal_stage is not None and self.stage is not terminal_stage:
            raise ValueError(f"status {self.status} must have stage {terminal_stage}")
        if self.stage in TERMINAL_STAGE.values() and self.status is not Status(self.stage):
            raise ValueError(f"stage {self.stage} needs status {self.stage}")
        if (self.status is Status.QUEUED) != (self.stage is Stage.QUEUED) and (
            self.status is not Status.STALLED
        ):
            raise ValueError("the queued stage belongs to the queued status")
        if (self.status is Status.COMPLETED) != (self.result is not None):
            raise ValueError("result is carried by completed events, and only by them")
        if (self.status is Status.FAILED) != (self.error is not None):
            raise ValueError("error is carried by failed events, and only by them")
        return self


class Event(EventDraft):
    """One event of the protocol, exactly as it goes on the wire."""

    job_id: UUID
    user_id: str
    document_id: UUID
    seq: int = Field(ge=1)
    user_seq: int = Field(ge=1)
    attempt: int = Field(ge=1)
    timestamp: datetime

    @field_serializer("timestamp")
    def _serialize_timestamp(self, value: datetime) -> str:
        return format_timestamp(value)

    def to_wire(self) -> dict[str, Any]:
        payload = self.model_dump(mode="json")
        payload["metadata"] = self.metadata.model_dump(mode="json", exclude_none=True)
        return payload


def event_json_schema() -> dict[str, Any]:
    """The JSON Schema of `Event`, as published in docs/event.schema.json."""
    return Event.model_json_schema(mode="serialization")
