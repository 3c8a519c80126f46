"""Keeps secrets out of the logs: a filter on the log handler that redacts them in messages and
tracebacks before they are formatted.

It knows the configured secrets (settings values) and the shapes of common ones (credentials in
URLs, bearer tokens, `password=...`, Anthropic keys). Document text is never logged in the first
place: log ids and counts, not content.
"""

from __future__ import annotations

import logging
import re
import sys
from urllib.parse import urlsplit

from django.conf import settings

REDACTED = "[redacted]"
SECRET_SETTINGS = ("SECRET_KEY", "ANTHROPIC_API_KEY", "METRICS_TOKEN")
URL_SETTINGS = ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND")
MIN_SECRET_LENGTH = 6  # shorter values would redact ordinary words

PATTERNS: list[tuple[re.Pattern[str], str]] = [
    # scheme://user:password@host
    (re.compile(r"(\w://[^/\s:@]*:)[^@\s/]+(@)"), rf"\g<1>{REDACTED}\g<2>"),
    # Authorization: Bearer xxx / Token xxx (a token has a digit: "token authentication" stays)
    (re.compile(r"(?i)\b(bearer)(\s+)[\w.~+/=-]{8,}"), rf"\g<1>\g<2>{REDACTED}"),
    (re.compile(r"(?i)\b(token)(\s+)(?=[\w.~+/=-]*\d)[\w.~+/=-]{8,}"), rf"\g<1>\g<2>{REDACTED}"),
    # password=xxx, "api_key": "xxx", secret: xxx ...
    (
        re.compile(
            r"(?i)\b([\w-]*(?:password|passwd|secret|api[_-]?key|token))"
            r"(['\"]?\s*[:=]\s*['\"]?)[^\s'\",;&}]+"
        ),
        rf"\g<1>\g<2>{REDACTED}",
    ),
    (re.compile(r"\bsk-ant-[\w-]{8,}"), REDACTED),
]


def redact(text: str) -> str:
    for secret in configured_secrets():
        text = text.replace(secret, REDACTED)
    for pattern, replacement in PATTERNS:
        text = pattern.sub(replacement, text)
    return text


def configured_secrets() -> list[str]:
    values = [str(getattr(settings, name, "") or "") for name in SECRET_SETTINGS]
    for name in URL_SETTINGS:
        values.append(urlsplit(str(getattr(settings, name, "") or "")).password or "")
    values.append(str(settings.DATABASES.get("default", {}).get("PASSWORD") or ""))
    return [value for value in values if len(value) >= MIN_SECRET_LENGTH]


class RedactSecrets(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if sys.is_finalizing():
            return True  # lines logged while the interpreter exits: nothing can be imported
        try:
            message = record.getMessage()
        except Exception:
            return True  # a broken format string: the handler reports it (logging.raiseExceptions)
        record.msg = redact(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True
