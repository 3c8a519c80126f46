"""One JSON log line per web request: method, path, status, duration and user.

It runs sync or async, whichever the request is: a sync-only middleware would make every async
view (long polling, `/readyz`) hold a thread while it waits.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.http import HttpRequest, HttpResponseBase
from django.utils.functional import LazyObject, empty

from config.json_logging import log_context

logger = logging.getLogger("ops.requests")

# Probes poll every few seconds; their successes are noise at INFO.
QUIET_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})

GetResponse = Callable[[HttpRequest], HttpResponseBase]
AsyncGetResponse = Callable[[HttpRequest], Awaitable[HttpResponseBase]]


class RequestLogMiddleware:
    sync_capable = True
    async_capable = True

    def __init__(self, get_response: GetResponse | AsyncGetResponse) -> None:
        self.get_response = get_response
        self.is_async = iscoroutinefunction(get_response)
        if self.is_async:
            markcoroutinefunction(self)

    def __call__(self, request: HttpRequest) -> HttpResponseBase | Awaitable[HttpResponseBase]:
        if self.is_async:
            return self._acall(request)
        started = time.perf_counter()
        # The path, never the query string: it can carry tokens.
        with log_context(method=request.method, path=request.path):
            response = self.get_response(request)
        assert isinstance(response, HttpResponseBase)
        _log(request, response, started)
        return response

    async def _acall(self, request: HttpRequest) -> HttpResponseBase:
        started = time.perf_counter()
        with log_context(method=request.method, path=request.path):
            pending = self.get_response(request)
            assert not isinstance(pending, HttpResponseBase)  # the async chain's awaitable
            response = await pending
        _log(request, response, started)
        return response


def _log(request: HttpRequest, response: HttpResponseBase, started: float) -> None:
    quiet = request.path in QUIET_PATHS and response.status_code < 400
    logger.log(
        logging.DEBUG if quiet else logging.INFO,
        "%s %s %s",
        request.method,
        request.path,
        response.status_code,
        extra={
            "method": request.method,
            "path": request.path,
            "status_code": response.status_code,
            "duration_ms": round((time.perf_counter() - started) * 1000, 1),
            "user_id": _user_id(request),
        },
    )


def _user_id(request: HttpRequest) -> str | None:
    """The user the request was served as, if it looked one up: logging costs no query (and
    an async request may not query here). DRF puts its authenticated user on the request."""
    user = request.__dict__.get("user")
    if user is None or (isinstance(user, LazyObject) and user._wrapped is empty):  # type: ignore[attr-defined]
        return None
    return str(user.pk) if user.is_authenticated else None
