"""The one error format of the REST API: `{"code": ..., "message": ..., "details": ...}`.

`api_exception_handler` is DRF's EXCEPTION_HANDLER: every error of a DRF view goes through it.
`ErrorSerializer` and `error_responses` document the same format in the OpenAPI schema.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping
from typing import Any

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions, serializers
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler, set_rollback

from documents.uploads import UploadRejected
from jobs.api_auth import error_response
from jobs.services import JobActionRefused

logger = logging.getLogger(__name__)

INTERNAL_ERROR_MESSAGE = "Something went wrong on our side. Please try again later."
INVALID_MESSAGE = "Some fields are not valid."
NOT_AUTHENTICATED_MESSAGE = "Sign in or send an API token."


class ErrorSerializer(serializers.Serializer[Any]):
    code = serializers.CharField(help_text="Machine-readable reason, e.g. `not_found`.")
    message = serializers.CharField(help_text="Written for people; never a stack trace.")
    details = serializers.JSONField(
        allow_null=True,
        help_text="For `invalid`: the errors by field name. For `throttled`: `retry_after` "
        "in seconds. Otherwise null.",
    )


def _body(code: str, message: str, details: Any = None) -> dict[str, Any]:
    return {"code": code, "message": message, "details": details}


def _first_message(detail: Any) -> str | None:
    """The first message in a DRF error detail (a string, or lists and dicts of them)."""
    if isinstance(detail, str):
        return str(detail)
    items = list(detail.values()) if isinstance(detail, Mapping) else detail
    if isinstance(items, list):
        for item in items:
            message = _first_message(item)
            if message:
                return message
    return None


def _validation_body(exc: exceptions.ValidationError) -> dict[str, Any]:
    """Field errors go in `details`; the message is the first error not tied to a field."""
    detail = exc.detail
    general = (
        detail.get(api_settings.NON_FIELD_ERRORS_KEY) if isinstance(detail, Mapping) else detail
    )
    return _body("invalid", _first_message(general) or INVALID_MESSAGE, detail)


def _throttled(exc: exceptions.Throttled, response: Response) -> None:
    wait: float | None = getattr(exc, "wait", None)
    if wait is None:
        response.data = _body("throttled", "Too many requests. Please try again later.")
        return
    # Rounded up (DRF's header rounds down): a client that waits this long gets through.
    seconds = max(1, math.ceil(wait))
    response.headers["Retry-After"] = str(seconds)
    response.data = _body(
        "throttled",
        f"Too many requests. Try again in {seconds} second{'s' if seconds != 1 else ''}.",
        {"retry_after": seconds},
    )


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response:
    """Every API error in the one format; an unexpected exception is logged and becomes a 500."""
    if isinstance(exc, UploadRejected):
        return Response(_body(exc.code, exc.message), status=exc.status)
    if isinstance(exc, JobActionRefused):
        return Response(_body(exc.code, exc.message), status=409)

    response = exception_handler(exc, context)
    if response is None:
        request = context.get("request")
        logger.error(
            "unexpected error in an API view",
            exc_info=exc,
            extra={
                "view": type(context.get("view")).__name__,
                "path": getattr(request, "path", None),
                # `_user`, not `user`: reading `user` would authenticate again, and that may
                # be what failed.
                "user_id": getattr(getattr(request, "_user", None), "pk", None),
            },
        )
        set_rollback()
        return Response(_body("internal_error", INTERNAL_ERROR_MESSAGE), status=500)

    if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
        # DRF answers 403 when its first authenticator (the session) names no scheme; a client
        # that is not signed in gets a 401 and the scheme it can use.
        response.status_code = 401
        response.headers.setdefault("WWW-Authenticate", "Token")
        message = (
            NOT_AUTHENTICATED_MESSAGE
            if isinstance(exc, exceptions.NotAuthenticated)
            else _detail_message(exc, NOT_AUTHENTICATED_MESSAGE)
        )
        response.data = _body("not_authenticated", message)
    elif isinstance(exc, exceptions.ValidationError):
        response.data = _validation_body(exc)
    elif isinstance(exc, exceptions.Throttled):
        _throttled(exc, response)
    elif isinstance(exc, exceptions.APIException):
        response.data = _body(str(exc.default_code), _detail_message(exc, str(exc.default_detail)))
    return response


def _detail_message(exc: exceptions.APIException, fallback: str) -> str:
    return _first_message(exc.detail) or fallback


@csrf_exempt  # it changes nothing: a POST to an unknown path gets the 404, not a CSRF page
def api_not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
    """The answer for an `/api/` path that names no endpoint."""
    return error_response(404, "not_found", "No such endpoint.")


ERROR_DESCRIPTIONS: dict[int, str] = {
    400: "`invalid`: the request is not valid; `details` holds the errors by field.",
    401: "`not_authenticated`: sign in (session) or send `Authorization: Token <key>`.",
    403: "`permission_denied`: the request is not allowed.",
    404: "`not_found`: no such object, or it belongs to someone else.",
    409: "The action does not apply to the object in its current state.",
    413: "`file_too_large`: the file is over the upload size limit.",
    415: "`not_a_pdf`: the file is not a PDF by its bytes.",
    429: "`throttled`: too many requests; `message` and `details.retry_after` say when to "
    "retry (also the `Retry-After` header).",
    500: "`internal_error`: an unexpected error; it is logged and the message is generic.",
}


NO_SUCH_PAGE = {404: "`not_found`: no such page (`page` is past the last one, or not a number)."}


def error_responses(
    *statuses: int, described: Mapping[int, str] | None = None
) -> dict[int, OpenApiResponse]:
    """Schema responses in the error format for `statuses` (500 always), for `extend_schema`."""
    descriptions = {**ERROR_DESCRIPTIONS, **(described or {})}
    return {
        status: OpenApiResponse(ErrorSerializer, description=descriptions[status])
        for status in sorted({*statuses, *(described or {}), 500})
    }
