"""API authentication: the token endpoint, and the signed-in user of an API request."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.exceptions import NotAuthenticated
from rest_framework.request import Request
from rest_framework.throttling import ScopedRateThrottle

from config.api_errors import error_responses


def request_user(request: Request) -> User:
    """The user of a request that passed `IsAuthenticated`."""
    user = request.user
    if not isinstance(user, User) or not user.is_authenticated:
        raise NotAuthenticated
    return user


class TokenSerializer(serializers.Serializer[Any]):
    token = serializers.CharField(help_text="Send it as `Authorization: Token <token>`.")


@extend_schema(
    tags=["auth"],
    summary="Get the API token of a user",
    description="The same token comes back each time until it is revoked.",
    request=AuthTokenSerializer,
    responses={
        200: TokenSerializer,
        **error_responses(400, 429, described={400: "`invalid`: wrong username or password."}),
    },
)
class TokenObtainView(ObtainAuthToken):
    # Credentials are in the body: a stale `Authorization` header must not get in their way.
    authentication_classes = []
    # Limits password guessing (per client address: nobody is signed in yet).
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "sign_in"
