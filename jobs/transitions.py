"""The allowed transitions of a job, written down and enforced in one place (the emitter calls it).

Pure: the emitter passes the job's current state and the proposed event.
"""

from __future__ import annotations

from dataclasses import dataclass

from jobs.events import EventDraft, Stage, Status


class InvalidTransition(ValueError):
    """The proposed event does not follow from the job's current state."""


class SupersededAttempt(InvalidTransition):
    """A worker reported for an attempt that is over (cancelled, ended, or requeued)."""


@dataclass(frozen=True)
class JobState:
    status: Status
    stage: Stage
    progress: int
    attempt: int
    last_seq: int


# Statuses after which a new attempt (its `queued` event) may follow.
RESTARTABLE = frozenset({Status.FAILED, Status.CANCELLED, Status.COMPLETED, Status.STALLED})


def attempt_of(state: JobState, draft: EventDraft) -> int:
    """Check `draft` against `state` and return the attempt the event belongs to."""
    if state.last_seq == 0:
        if draft.status is not Status.QUEUED:
            raise InvalidTransition("a job's first event is its queued event")
        return state.attempt

    if draft.status is Status.QUEUED:
        if state.status not in RESTARTABLE:
            raise InvalidTransition(f"cannot requeue a job that is {state.status}")
        return state.attempt + 1

    if state.status.is_terminal:
        raise InvalidTransition(f"no event may follow a {state.status} one but a retry's queued")

    if (
        state.status is Status.STALLED
        and draft.status is not Status.FAILED
        and draft.status is not Status.CANCELLED
    ):
        raise InvalidTransition("a stalled job is requeued, failed or cancelled")

    if draft.progress < state.progress:
        raise InvalidTransition(
            f"progress cannot go back from {state.progress} to {draft.progress}"
        )

    if draft.status is Status.ACTIVE or draft.status is Status.STALLED:
        if draft.stage.order < state.stage.order:
            raise InvalidTransition(f"stage cannot go back from {state.stage} to {draft.stage}")
        if draft.status is Status.STALLED and draft.stage is not state.stage:
            raise InvalidTransition("a job stalls in the stage it was in")
    return state.attempt
