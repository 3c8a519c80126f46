"""Short, bounded looks at the Celery broker: is it there, and how many tasks wait per queue."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from kombu import Connection

from config.celery import app as celery_app

QUEUES = ("pdf", "ai", "default")
TIMEOUT_SECONDS = 2.0

# Fail fast instead of retrying: a health check or a scrape must answer within seconds.
_FAST = {
    "max_retries": 0,
    "socket_connect_timeout": TIMEOUT_SECONDS,
    "socket_timeout": TIMEOUT_SECONDS,
}


@contextmanager
def broker_connection() -> Iterator[Connection]:
    """A connection to the broker the workers use, that fails within TIMEOUT_SECONDS."""
    with celery_app.connection_for_read(
        connect_timeout=TIMEOUT_SECONDS, transport_options=_FAST
    ) as connection:
        connection.ensure_connection(max_retries=0)
        yield connection


def broker_ping() -> None:
    with broker_connection() as connection:
        channel: Any = connection.default_channel
        channel.client.ping()


def queue_depths(queues: tuple[str, ...] = QUEUES) -> dict[str, int]:
    """Tasks waiting in each queue: LLEN of its Redis list (one list per priority step)."""
    with broker_connection() as connection:
        # kombu's Redis channel: its client, key separator and priority steps are its own.
        channel: Any = connection.default_channel
        client = channel.client
        depths: dict[str, int] = {}
        for queue in queues:
            steps = [step for step in channel.priority_steps if step]
            keys = [queue, *(f"{queue}{channel.sep}{step}" for step in steps)]
            with client.pipeline() as pipe:
                for key in keys:
                    pipe.llen(key)
                depths[queue] = sum(int(length) for length in pipe.execute())
        return depths
