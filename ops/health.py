"""Readiness: can this process reach what it needs? Each check answers within CHECK_TIMEOUT."""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import redis.asyncio
from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import connection
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff

from ops.broker import broker_ping

logger = logging.getLogger(__name__)

CHECK_TIMEOUT_SECONDS = 2.0


@dataclass(frozen=True)
class CheckResult:
    name: str
    ok: bool
    milliseconds: float
    error: str = ""


async def readiness_checks() -> list[CheckResult]:
    """The database, Redis, the broker and a channel layer round trip, checked side by side."""
    checks: dict[str, Callable[[], Awaitable[None]]] = {
        "database": sync_to_async(_select_one),
        "redis": _ping_redis,
        "broker": sync_to_async(broker_ping, thread_sensitive=False),
        "channel_layer": _channel_layer_round_trip,
    }
    return list(await asyncio.gather(*(_run(name, check) for name, check in checks.items())))


async def _run(name: str, check: Callable[[], Awaitable[None]]) -> CheckResult:
    started = time.perf_counter()
    try:
        await asyncio.wait_for(check(), CHECK_TIMEOUT_SECONDS)
    except TimeoutError:
        error = f"no answer within {CHECK_TIMEOUT_SECONDS:g} s"
        logger.warning("readiness check %s failed: %s", name, error)
    except Exception as exc:
        # The answer names the kind of failure only; the details (hosts, paths) go to the log.
        error = type(exc).__name__
        logger.warning("readiness check %s failed", name, exc_info=True)
    else:
        error = ""
    elapsed = round((time.perf_counter() - started) * 1000, 1)
    return CheckResult(name=name, ok=not error, milliseconds=elapsed, error=error)


def _select_one() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


async def _ping_redis() -> None:
    client = redis.asyncio.Redis.from_url(
        settings.REDIS_URL,
        socket_connect_timeout=CHECK_TIMEOUT_SECONDS,
        socket_timeout=CHECK_TIMEOUT_SECONDS,
        retry=Retry(NoBackoff(), retries=0),
    )
    try:
        await client.ping()
    finally:
        await client.aclose()


class RoundTripLost(Exception):
    """The channel layer gave back something other than the message just sent."""


async def _channel_layer_round_trip() -> None:
    layer = get_channel_layer()
    if layer is None:
        raise RoundTripLost("no channel layer is configured")
    channel = await layer.new_channel()
    token = uuid.uuid4().hex
    await layer.send(channel, {"type": "ops.ready", "token": token})
    message = await layer.receive(channel)
    if message.get("token") != token:
        raise RoundTripLost("the channel layer returned another message")
