"""One JSON object per log line, carrying the job context fields a record has."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

# Context fields that callers pass through `extra=`; only these are copied into the line.
CONTEXT_FIELDS = ("job_id", "user_id", "document_id", "stage", "status", "seq", "attempt", "event")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        for field in CONTEXT_FIELDS:
            value = getattr(record, field, None)
            if value is not None:
                line[field] = value
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str)
