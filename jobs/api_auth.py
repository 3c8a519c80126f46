"""Authentication and the error format for the plain async API views (DRF views share both)."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from functools import wraps
from typing import Any

from asgiref.sync import sync_to_async
from django.contrib.auth.models import User
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from rest_framework.authtoken.models import Token

AsyncView = Callable[..., Coroutine[Any, Any, JsonResponse]]


async def authenticated_user(request: HttpRequest) -> User | None:
    """The session's user, or the one whose API token is in `Authorization: Token <key>`."""
    header = request.headers.get("Authorization", "")
    scheme, _, key = header.partition(" ")
    if scheme.lower() in ("token", "bearer") and key:
        token = await sync_to_async(
            lambda: Token.objects.select_related("user").filter(key=key.strip()).first()
        )()
        return token.user if token is not None and token.user.is_active else None
    user = await request.auser()
    return user if isinstance(user, User) and user.is_authenticated and user.is_active else None


def error_response(status: int, code: str, message: str, details: Any = None) -> JsonResponse:
    return JsonResponse({"code": code, "message": message, "details": details}, status=status)


def not_authenticated() -> JsonResponse:
    response = error_response(401, "not_authenticated", "Sign in or send an API token.")
    response["WWW-Authenticate"] = "Token"  # as from the DRF views
    return response


def api_get_only(view: AsyncView) -> AsyncView:
    """A plain async API view that only reads: another method gets a 405 in the error format,
    as from the DRF views, rather than an empty 405 or, for a POST, a CSRF page."""

    @wraps(view)
    async def get_only(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
        if request.method != "GET":
            refused = error_response(
                405, "method_not_allowed", f'Method "{request.method}" not allowed.'
            )
            refused["Allow"] = "GET"
            return refused
        return await view(request, *args, **kwargs)

    return csrf_exempt(get_only)
