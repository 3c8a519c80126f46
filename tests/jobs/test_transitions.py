"""The allowed transitions of a job (pure), and what the emitter does with a retry."""

import pytest

from jobs.events import Stage, Status
from jobs.models import JobEvent
from jobs.transitions import InvalidTransition, JobState, attempt_of
from tests.servers import active, cancelled, completed, emit_one, failed, queued, stalled


def state(status: Status, stage: Stage, progress: int, *, attempt: int = 1, last_seq: int = 3):
    return JobState(
        status=status, stage=stage, progress=progress, attempt=attempt, last_seq=last_seq
    )


EXTRACTING_AT_40 = state(Status.ACTIVE, Stage.EXTRACTING_TEXT, 40)
NEW_JOB = state(Status.QUEUED, Stage.QUEUED, 0, last_seq=0)


def test_a_new_jobs_first_event_is_its_queued_event():
    assert attempt_of(NEW_JOB, queued()) == 1
    with pytest.raises(InvalidTransition):
        attempt_of(NEW_JOB, active(Stage.INITIALIZING, 0))


def test_progress_cannot_go_backwards_within_an_attempt():
    with pytest.raises(InvalidTransition, match="progress"):
        attempt_of(EXTRACTING_AT_40, active(Stage.EXTRACTING_TEXT, 39))


def test_progress_may_stay_or_go_forward():
    assert attempt_of(EXTRACTING_AT_40, active(Stage.EXTRACTING_TEXT, 40)) == 1
    assert attempt_of(EXTRACTING_AT_40, active(Stage.GENERATING_NOTES, 60)) == 1


def test_a_stage_cannot_go_backwards_within_an_attempt():
    with pytest.raises(InvalidTransition, match="stage"):
        attempt_of(EXTRACTING_AT_40, active(Stage.DOWNLOADING, 50))


def test_a_cache_hit_may_skip_from_checking_the_cache_straight_to_saving():
    checking = state(Status.ACTIVE, Stage.CHECKING_CACHE, 15)
    assert attempt_of(checking, active(Stage.SAVING, 90)) == 1


@pytest.mark.parametrize(
    "ended",
    [
        state(Status.COMPLETED, Stage.COMPLETED, 100),
        state(Status.FAILED, Stage.FAILED, 40),
        state(Status.CANCELLED, Stage.CANCELLED, 40),
    ],
    ids=["completed", "failed", "cancelled"],
)
def test_no_event_but_a_retrys_queued_may_follow_a_terminal_one(ended):
    for draft in (active(Stage.SAVING, 100), completed(), failed(progress=100), cancelled(100)):
        with pytest.raises(InvalidTransition):
            attempt_of(ended, draft)
    assert attempt_of(ended, queued()) == 2


def test_a_queued_job_cannot_be_queued_again_within_its_attempt():
    with pytest.raises(InvalidTransition):
        attempt_of(state(Status.QUEUED, Stage.QUEUED, 0), queued())
    with pytest.raises(InvalidTransition):
        attempt_of(EXTRACTING_AT_40, queued())


def test_a_job_stalls_in_the_stage_it_was_in():
    assert attempt_of(EXTRACTING_AT_40, stalled(Stage.EXTRACTING_TEXT, 40)) == 1
    with pytest.raises(InvalidTransition):
        attempt_of(EXTRACTING_AT_40, stalled(Stage.GENERATING_NOTES, 40))


def test_a_stalled_job_is_requeued_failed_or_cancelled_but_does_not_carry_on():
    stuck = state(Status.STALLED, Stage.EXTRACTING_TEXT, 40, attempt=2)
    assert attempt_of(stuck, queued()) == 3
    assert attempt_of(stuck, failed(progress=40)) == 2
    assert attempt_of(stuck, cancelled(40)) == 2
    with pytest.raises(InvalidTransition):
        attempt_of(stuck, active(Stage.EXTRACTING_TEXT, 45))


def test_a_retry_starts_a_new_attempt_whose_progress_restarts_while_seq_keeps_counting(job):
    emit_one(job.id, queued())
    emit_one(job.id, active(Stage.GENERATING_NOTES, 70))
    emit_one(job.id, failed(progress=70))
    retry = emit_one(job.id, queued())
    restarted = emit_one(job.id, active(Stage.INITIALIZING, 5))
    assert (retry.seq, retry.attempt, retry.progress) == (4, 2, 0)
    assert (restarted.seq, restarted.attempt, restarted.progress) == (5, 2, 5)
    job.refresh_from_db()
    assert (job.attempt, job.progress, job.error_code, job.finished_at) == (2, 5, "", None)


def test_a_stalled_job_requeued_by_the_emitter_is_a_new_attempt(job):
    emit_one(job.id, queued())
    emit_one(job.id, active(Stage.EXTRACTING_TEXT, 40))
    emit_one(job.id, stalled(Stage.EXTRACTING_TEXT, 40))
    requeued = emit_one(job.id, queued())
    assert (requeued.seq, requeued.attempt, requeued.status) == (4, 2, Status.QUEUED)


def test_a_refused_event_leaves_no_trace(job):
    emit_one(job.id, queued())
    emit_one(job.id, completed())
    with pytest.raises(InvalidTransition):
        emit_one(job.id, active(Stage.SAVING, 100))
    job.refresh_from_db()
    assert (job.status, job.last_seq) == ("completed", 2)
    assert JobEvent.objects.filter(job=job).count() == 2
