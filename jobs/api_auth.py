"""Authentication and the error format for the plain async API views (DRF views share both)."""

from __future__ import annotations

from typing import Any

from asgiref.sync import sync_to_async
from django.contrib.auth.models import User
from django.http import HttpRequest, JsonResponse
from rest_framework.authtoken.models import Token


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
