"""One JSON object per log line, carrying the context fields that apply.

Context comes from two places: `extra=` on the call, and `log_context()` for everything logged
inside a block (a Celery task binds its job this way, see config/celery.py). Secrets are
redacted by `ops.logging_filters.RedactSecrets`, a filter on the same handler.
"""

from __future__ import annotations

import inspect
import json
import logging
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

# Only these are copied into the line, from `extra=` or from the bound context.
CONTEXT_FIELDS = (
    "job_id",
    "user_id",
    "document_id",
    "stage",
    "status",
    "seq",
    "attempt",
    "event",
    "task",
    "task_id",
    "method",
    "path",
    "status_code",
    "duration_ms",
)

_bound: ContextVar[Mapping[str, object] | None] = ContextVar("log_context", default=None)


def _current() -> Mapping[str, object]:
    return _bound.get() or {}


@contextmanager
def log_context(**fields: object) -> Iterator[None]:
    """Add `fields` to every line logged in this block (this thread or task)."""
    token = _bound.set({**_current(), **fields})
    try:
        yield
    finally:
        _bound.reset(token)


def bind_log_context(**fields: object) -> None:
    """Like `log_context`, for code that cannot wrap a block (a pair of Celery signals)."""
    _bound.set({**_current(), **fields})


def clear_log_context() -> None:
    _bound.set(None)


def call_context(function: Callable[..., Any], args: Any, kwargs: Any) -> dict[str, object]:
    """The context fields among a call's arguments: a task's `job_id` and `attempt`."""
    try:
        bound = inspect.signature(function).bind_partial(*(args or ()), **(kwargs or {}))
    except (TypeError, ValueError):
        return {}
    return {name: value for name, value in bound.arguments.items() if name in CONTEXT_FIELDS}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        bound = _current()
        for field in CONTEXT_FIELDS:
            value = getattr(record, field, None)
            if value is None:
                value = bound.get(field)
            if value is not None:
                line[field] = value
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            line["exception"] = record.exc_text
        if record.stack_info:
            line["stack"] = self.formatStack(record.stack_info)
        return json.dumps(line, default=str)
