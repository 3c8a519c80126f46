import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from jobs.emitter import emit, flush_published, job_group
from jobs.events import ErrorCode, EventDraft, EventError, Stage, Status
from jobs.models import JobEvent
from jobs.transitions import InvalidTransition
from tests.factories import JobFactory


def queued() -> EventDraft:
    return EventDraft(status=Status.QUEUED, stage=Stage.QUEUED, progress=0, message="Queued")


def active(stage: Stage, progress: int) -> EventDraft:
    return EventDraft(status=Status.ACTIVE, stage=stage, progress=progress, message=stage.label)


def failed(progress: int) -> EventDraft:
    return EventDraft(
        status=Status.FAILED,
        stage=Stage.FAILED,
        progress=progress,
        message="Failed",
        error=EventError.of(ErrorCode.INTERNAL_ERROR, "Something went wrong."),
    )


def test_events_are_numbered_per_job_and_per_user(job):
    second_job = JobFactory(owner=job.owner)
    first = emit(job.id, queued())
    other = emit(second_job.id, queued())
    second = emit(job.id, active(Stage.INITIALIZING, 5))
    assert (first.seq, first.user_seq) == (1, 1)
    assert (other.seq, other.user_seq) == (1, 2)
    assert (second.seq, second.user_seq) == (2, 3)
    job.refresh_from_db()
    assert (job.status, job.stage, job.progress, job.last_seq) == ("active", "initializing", 5, 2)
    assert list(JobEvent.objects.filter(job=job).values_list("seq", flat=True)) == [1, 2]


def test_progress_cannot_go_backwards_within_an_attempt(job):
    emit(job.id, queued())
    emit(job.id, active(Stage.EXTRACTING_TEXT, 40))
    with pytest.raises(InvalidTransition):
        emit(job.id, active(Stage.EXTRACTING_TEXT, 30))
    assert JobEvent.objects.filter(job=job).count() == 2


def test_stages_cannot_go_backwards_within_an_attempt(job):
    emit(job.id, queued())
    emit(job.id, active(Stage.GENERATING_NOTES, 60))
    with pytest.raises(InvalidTransition):
        emit(job.id, active(Stage.EXTRACTING_TEXT, 60))


def test_nothing_but_a_retry_may_follow_a_terminal_event(job):
    emit(job.id, queued())
    emit(job.id, failed(0))
    with pytest.raises(InvalidTransition):
        emit(job.id, active(Stage.INITIALIZING, 5))
    retry = emit(job.id, queued())
    assert (retry.seq, retry.attempt, retry.progress) == (3, 2, 0)
    job.refresh_from_db()
    assert (job.status, job.attempt, job.error_code) == ("queued", 2, "")


def test_the_first_event_of_a_job_is_its_queued_event(job):
    with pytest.raises(InvalidTransition):
        emit(job.id, active(Stage.INITIALIZING, 0))


def test_a_failed_event_records_the_error_on_the_job(job):
    emit(job.id, queued())
    emit(job.id, failed(0))
    job.refresh_from_db()
    assert (job.status, job.error_code, job.recoverable) == ("failed", "INTERNAL_ERROR", True)
    assert job.finished_at is not None


def test_in_stage_progress_is_coalesced_but_stage_changes_are_not(job, settings):
    settings.EVENT_PROGRESS_INTERVAL = 60
    emit(job.id, queued())
    emit(job.id, active(Stage.EXTRACTING_TEXT, 10))
    assert emit(job.id, active(Stage.EXTRACTING_TEXT, 11), coalesce=True) is None
    assert emit(job.id, active(Stage.GENERATING_NOTES, 60)) is not None
    assert JobEvent.objects.filter(job=job).count() == 3


@pytest.mark.django_db(transaction=True)
def test_an_event_is_published_to_the_job_group_after_commit(user):
    job = JobFactory(owner=user)
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(job_group(job.id), channel)
    emit(job.id, queued())
    assert flush_published()
    message = async_to_sync(layer.receive)(channel)
    assert message["type"] == "job.event"
    assert message["event"]["job_id"] == str(job.id)
    assert message["event"]["seq"] == 1
