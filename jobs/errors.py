"""Failures a job can end with, as exceptions inside and coded values at the edges."""

from __future__ import annotations

from jobs.events import ErrorCode, EventError


class JobError(Exception):
    """A failure with a protocol error code and a message written for the person."""

    def __init__(self, code: ErrorCode, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message

    @property
    def recoverable(self) -> bool:
        return self.code.recoverable

    def to_event_error(self) -> EventError:
        return EventError.of(self.code, self.message)


class JobCancelled(Exception):
    """Raised between pages or chunks when the job was cancelled; the worker stops there."""
