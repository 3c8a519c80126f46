"""What each provider failure means for the person, and whether trying again can help."""

from __future__ import annotations

import email.utils
import enum
import time
from typing import TYPE_CHECKING

from jobs.errors import JobError
from jobs.events import ErrorCode

if TYPE_CHECKING:
    import anthropic
    import httpx2


class Retry(enum.Enum):
    NEVER = "never"
    # Rate limits, overloads, outages, dropped connections: the same request will work later.
    TRANSIENT = "transient"
    # The model answered, but not in a usable shape: another sample may be fine, a few at most.
    BAD_RESPONSE = "bad_response"


class AttemptFailed(Exception):
    """One failed request, with the error to report if no retry follows."""

    def __init__(self, error: JobError, *, retry: Retry, retry_after: float | None = None) -> None:
        super().__init__(str(error))
        self.error = error
        self.retry = retry
        self.retry_after = retry_after


RATE_LIMITED = "The notes service is busy right now. Please retry in a few minutes."
UNAVAILABLE = "The notes service is unavailable right now. Please retry in a few minutes."
AUTH = (
    "The notes service did not accept our credentials. An administrator needs to check the "
    "API key and account."
)
MISCONFIGURED = (
    "The notes service does not offer the configured model. An administrator needs to check "
    "the settings."
)
REJECTED = (
    "The notes service could not accept this document; it may be too long. Please try a "
    "shorter document."
)
BAD_RESPONSE = "The notes service returned notes we could not use. Please retry."
TOO_LONG = (
    "The notes service ran past the length limit on this document. Please retry, or ask an "
    "administrator to raise the token limit."
)
REFUSED = "The notes service declined to write notes for this document."


def rate_limited(retry_after: float | None = None) -> AttemptFailed:
    return AttemptFailed(
        JobError(ErrorCode.AI_RATE_LIMITED, RATE_LIMITED),
        retry=Retry.TRANSIENT,
        retry_after=retry_after,
    )


def unavailable(retry_after: float | None = None) -> AttemptFailed:
    return AttemptFailed(
        JobError(ErrorCode.AI_UNAVAILABLE, UNAVAILABLE),
        retry=Retry.TRANSIENT,
        retry_after=retry_after,
    )


def bad_response(
    message: str = BAD_RESPONSE, *, retry: Retry = Retry.BAD_RESPONSE
) -> AttemptFailed:
    return AttemptFailed(JobError(ErrorCode.AI_BAD_RESPONSE, message), retry=retry)


def _not_retried(code: ErrorCode, message: str) -> AttemptFailed:
    return AttemptFailed(JobError(code, message), retry=Retry.NEVER)


def classify_api_error(exc: anthropic.APIError) -> AttemptFailed:
    """Map an SDK error, raised before or in the middle of a stream, to what we report."""
    import anthropic

    if isinstance(exc, anthropic.APIConnectionError):  # APITimeoutError included
        return unavailable()
    if isinstance(exc, anthropic.APIResponseValidationError):
        return bad_response()
    if not isinstance(exc, anthropic.APIStatusError):
        return unavailable()
    # The error type in the body is the one signal both for an HTTP error and for an `error`
    # event in the middle of a stream, which arrives on a response with status 200.
    error_type = exc.type if exc.type in _KNOWN_TYPES else _type_for_status(exc.status_code)
    retry_after = _retry_after_seconds(exc.response.headers) if exc.status_code >= 400 else None
    match error_type:
        case "rate_limit_error":
            return rate_limited(retry_after)
        case "authentication_error" | "permission_error" | "billing_error":
            return _not_retried(ErrorCode.AI_AUTH, AUTH)
        case "not_found_error":
            return _not_retried(ErrorCode.AI_AUTH, MISCONFIGURED)
        case "invalid_request_error" | "request_too_large":
            # Our request is wrong (a bug) or too big: sending it again gives the same answer.
            return bad_response(REJECTED, retry=Retry.NEVER)
        case _:  # overloaded_error, api_error, timeout_error
            return unavailable(retry_after)


_KNOWN_TYPES = frozenset(
    {
        "rate_limit_error",
        "overloaded_error",
        "api_error",
        "timeout_error",
        "authentication_error",
        "permission_error",
        "billing_error",
        "not_found_error",
        "invalid_request_error",
        "request_too_large",
    }
)

_TYPE_BY_STATUS = {
    400: "invalid_request_error",
    401: "authentication_error",
    402: "billing_error",
    403: "permission_error",
    404: "not_found_error",
    413: "request_too_large",
    429: "rate_limit_error",
    529: "overloaded_error",
}


def _type_for_status(status: int) -> str:
    if status in _TYPE_BY_STATUS:
        return _TYPE_BY_STATUS[status]
    if 400 <= status < 500 and status not in (408, 409):
        return "invalid_request_error"
    # 408, 409 and 5xx are worth another try; so is a stream that broke off after a 200
    # without saying why.
    return "api_error"


def _retry_after_seconds(headers: httpx2.Headers) -> float | None:
    """The server's requested wait: `retry-after-ms`, or `retry-after` in seconds or as a date."""
    milliseconds = headers.get("retry-after-ms")
    if milliseconds is not None:
        try:
            return max(0.0, float(milliseconds) / 1000)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    moment = email.utils.parsedate_tz(value)
    if moment is None:
        return None
    return max(0.0, email.utils.mktime_tz(moment) - time.time())
