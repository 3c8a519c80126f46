"""Our retry policy: exponential backoff with full jitter, honouring `retry-after`."""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from typing import TypeVar

from notes.generation.anthropic.errors import AttemptFailed, Retry

log = logging.getLogger(__name__)

T = TypeVar("T")

BASE_DELAY_SECONDS = 1.0
MAX_DELAY_SECONDS = 30.0
# A server asking for a longer pause than this will not be ready within the job's time
# limit: fail now, with a recoverable error, rather than hold a worker asleep.
MAX_RETRY_AFTER_SECONDS = 60.0
# Answers in the wrong shape tend to repeat; a couple of new samples is all that is worth.
MAX_BAD_RESPONSE_RETRIES = 2


def backoff_delay(retry_number: int, *, rng: random.Random, retry_after: float | None) -> float:
    """The pause before retry `retry_number` (0 is the first): full jitter, at least retry-after."""
    ceiling = min(MAX_DELAY_SECONDS, BASE_DELAY_SECONDS * 2**retry_number)
    delay = rng.uniform(0, ceiling)
    if retry_after is not None:
        delay = max(delay, retry_after)
    return delay


def call_with_retries(
    attempt: Callable[[], T],
    *,
    max_retries: int,
    sleep: Callable[[float], None],
    rng: random.Random,
) -> T:
    """Run `attempt` until it succeeds or its failure is final; raise the failure's JobError."""
    retries = 0
    bad_responses = 0
    while True:
        try:
            return attempt()
        except AttemptFailed as failure:
            if failure.retry is Retry.BAD_RESPONSE:
                bad_responses += 1
            final = (
                failure.retry is Retry.NEVER
                or retries >= max_retries
                or bad_responses > MAX_BAD_RESPONSE_RETRIES
                or (failure.retry_after or 0.0) > MAX_RETRY_AFTER_SECONDS
            )
            if final:
                raise failure.error from failure
            delay = backoff_delay(retries, rng=rng, retry_after=failure.retry_after)
            log.warning(
                "anthropic request failed with %s; retry %d of %d in %.1f s",
                failure.error.code,
                retries + 1,
                max_retries,
                delay,
            )
            retries += 1
            sleep(delay)
