"""A wall-clock budget that can stop pypdf even in the middle of one slow page.

In the main thread (where Celery's prefork pool runs tasks) a one-shot SIGALRM interrupts pypdf
wherever it is. Elsewhere signals cannot be used, so the budget is checked between pages.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType


class BudgetExceeded(BaseException):
    """The budget ran out. A BaseException so that pypdf's `except Exception` cannot swallow it."""


class Deadline:
    def __init__(self, seconds: float) -> None:
        self.expires_at = time.monotonic() + seconds
        self.alarm_rang = False
        self._shielded = False

    def check(self) -> None:
        if self.alarm_rang or time.monotonic() >= self.expires_at:
            raise BudgetExceeded

    @contextmanager
    def shielded(self) -> Iterator[None]:
        """Run the caller's code (a progress callback writing to a database, say) without being
        interrupted mid-way; an alarm that rings meanwhile is noticed by the next `check`."""
        shielded, self._shielded = self._shielded, True
        try:
            yield
        finally:
            self._shielded = shielded

    def on_alarm(self, signum: int, frame: FrameType | None) -> None:
        self.alarm_rang = True
        if not self._shielded:
            raise BudgetExceeded


@contextmanager
def time_budget(seconds: float) -> Iterator[Deadline]:
    """Raise `BudgetExceeded` inside the block once `seconds` have passed."""
    deadline = Deadline(seconds)
    if threading.current_thread() is not threading.main_thread() or not hasattr(
        signal, "setitimer"
    ):
        yield deadline
        return
    started = time.monotonic()
    previous_handler = signal.signal(signal.SIGALRM, deadline.on_alarm)
    previous_delay, previous_interval = signal.getitimer(signal.ITIMER_REAL)
    # An outer timer (Celery's, pytest-timeout's) due sooner is not postponed: ours rings at
    # its time instead, and the outer one rings as soon as we give it back.
    signal.setitimer(signal.ITIMER_REAL, max(min(seconds, previous_delay or seconds), 0.001))
    try:
        yield deadline
    finally:
        try:
            signal.setitimer(signal.ITIMER_REAL, 0)
        finally:
            # None: the handler was not set from Python and cannot be put back; use the default.
            signal.signal(signal.SIGALRM, previous_handler or signal.SIG_DFL)
            if previous_delay:
                remaining = previous_delay - (time.monotonic() - started)
                signal.setitimer(signal.ITIMER_REAL, max(remaining, 0.001), previous_interval)
