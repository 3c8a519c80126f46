"""Shared fixtures. Tests talk to the real Redis at REDIS_URL and the database of DATABASE_URL."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest
import redis
from django.conf import settings

from tests.factories import JobFactory, UserFactory

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
TEST_REDIS_DATABASE = "9"  # the database scripts/with_redis.py --test gives the suite


@pytest.fixture(scope="session", autouse=True)
def _clean_test_redis() -> None:
    """Start from an empty Redis: no queued tasks or group members left by an earlier run."""
    if urlsplit(settings.REDIS_URL).path.lstrip("/") == TEST_REDIS_DATABASE:
        redis.Redis.from_url(settings.REDIS_URL).flushdb()


@pytest.fixture(scope="session")
def media_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Uploads of this run; shared with the worker and server subprocesses."""
    return tmp_path_factory.mktemp("media")


@pytest.fixture(autouse=True)
def _media_root(media_root: Path, settings) -> None:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = media_root


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
