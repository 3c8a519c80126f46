"""Fixtures shared by the extraction tests."""

from __future__ import annotations

import signal
from collections.abc import Callable, Iterator
from typing import Any

import pytest


@pytest.fixture
def outer_alarm() -> Iterator[Callable[[int, Any], None]]:
    """An alarm handler and timer of our own, as Celery or pytest-timeout might have set."""

    def outer_handler(signum: int, frame: Any) -> None:
        raise AssertionError("the outer alarm rang during the test")

    saved_handler = signal.signal(signal.SIGALRM, outer_handler)
    saved_timer = signal.setitimer(signal.ITIMER_REAL, 60)
    yield outer_handler
    signal.setitimer(signal.ITIMER_REAL, *saved_timer)
    signal.signal(signal.SIGALRM, saved_handler)
