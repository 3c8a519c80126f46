"""Shared fixtures. Tests talk to the real Redis at REDIS_URL and the database of DATABASE_URL."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from asgiref.sync import sync_to_async
from channels.layers import channel_layers
from django.contrib.auth.models import User
from django.db import connections
from django.test import Client, override_settings
from rest_framework.authtoken.models import Token

from tests.factories import JobFactory, UserFactory

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"


@pytest.fixture(scope="session", autouse=True)
def media_root(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Uploads of this run, for the whole session: the worker and server subprocesses (some
    shared by several tests) are started with it."""
    path = tmp_path_factory.mktemp("media")
    with override_settings(MEDIA_ROOT=path):
        yield path


@pytest.fixture(autouse=True)
def _test_settings(settings) -> None:  # type: ignore[no-untyped-def]
    # Users are made per test: the real hasher would spend most of the run hashing.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Throttle history per test, in memory: the shared Redis holds the test workers' queues.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


@pytest.fixture
def user(db):  # type: ignore[no-untyped-def]
    return UserFactory()


@pytest.fixture
def other_user(db):  # type: ignore[no-untyped-def]
    return UserFactory()


@pytest.fixture
def staff_user(db):  # type: ignore[no-untyped-def]
    return UserFactory(is_staff=True)


@pytest.fixture
def job(user):  # type: ignore[no-untyped-def]
    return JobFactory(owner=user)


@pytest.fixture
def corpus() -> Path:
    return CORPUS


@pytest.fixture(autouse=True)
def _fresh_channel_layer() -> None:
    """A new channel layer object per test. Each test runs its own event loop, and the layer
    keeps receive state per loop that a connection cut at the end of a test can leave held."""
    channel_layers.backends = {}


@pytest.fixture(scope="session", autouse=True)
def _close_connections_of_async_code(django_db_setup: None) -> Iterator[None]:
    """Close the connection the consumer's and emitters' thread keeps (CONN_MAX_AGE).

    Left open, it keeps PostgreSQL from dropping the test database at the end of the run.
    """
    yield
    asyncio.run(sync_to_async(connections.close_all)())


@pytest.fixture
def token_for() -> Callable[[User], str]:
    """`token_for(user)`: the user's API token."""

    def token(user: User) -> str:
        return str(Token.objects.get_or_create(user=user)[0].key)

    return token


@pytest.fixture
def token(user: User, token_for: Callable[[User], str]) -> str:
    return token_for(user)


@pytest.fixture
def session_cookie(user: User) -> str:
    """The session id of `user`, signed in as stored (the auth hash covers the password)."""
    client = Client()
    client.force_login(User.objects.get(pk=user.pk))
    return str(client.cookies["sessionid"].value)
