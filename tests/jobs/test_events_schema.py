"""The event schema of PROTOCOL.md section 2, and the JSON Schema published in docs/."""

import json
import uuid
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from pydantic import ValidationError

from jobs.events import (
    ErrorCode,
    Event,
    EventDraft,
    EventError,
    EventResult,
    Stage,
    Status,
    event_json_schema,
)
from jobs.models import JobEvent
from jobs.snapshots import event_payload
from tests.servers import active, completed, emit_one, failed, queued

PUBLISHED_SCHEMA = Path(__file__).resolve().parents[2] / "docs" / "event.schema.json"

# PROTOCOL.md section 2, as written there.
RECOVERABLE = {
    "PDF_INVALID": False,
    "PDF_ENCRYPTED": False,
    "PDF_NO_TEXT": False,
    "PDF_TOO_LARGE": False,
    "PDF_TOO_MANY_PAGES": False,
    "PDF_TIMEOUT": False,
    "AI_RATE_LIMITED": True,
    "AI_UNAVAILABLE": True,
    "AI_BAD_RESPONSE": True,
    "AI_AUTH": False,
    "JOB_STALLED": True,
    "JOB_TIMEOUT": True,
    "INTERNAL_ERROR": True,
}
STAGES = [
    "queued",
    "initializing",
    "downloading",
    "checking_cache",
    "extracting_text",
    "generating_notes",
    "generating_quiz",
    "saving",
    "caching",
    "completed",
    "failed",
    "cancelled",
]
STATUSES = ["queued", "active", "completed", "failed", "stalled", "cancelled"]


def draft(**fields):
    defaults = {"status": "active", "stage": "extracting_text", "progress": 40, "message": "..."}
    return EventDraft.model_validate({**defaults, **fields})


def event(**fields):
    return Event(
        **active(Stage.EXTRACTING_TEXT, 40).model_dump(),
        job_id=uuid.uuid4(),
        user_id="42",
        document_id=uuid.uuid4(),
        seq=5,
        user_seq=118,
        attempt=1,
        timestamp=fields.pop("timestamp", datetime(2026, 11, 23, 10, tzinfo=UTC)),
        **fields,
    )


def test_the_statuses_and_the_twelve_stages_are_those_of_the_protocol_in_order():
    assert [status.value for status in Status] == STATUSES
    assert [stage.value for stage in Stage] == STAGES


@pytest.mark.parametrize("progress", [-1, 101, 1000])
def test_progress_outside_0_to_100_is_refused(progress):
    with pytest.raises(ValidationError, match="progress"):
        draft(progress=progress)


@pytest.mark.parametrize("progress", [0, 100])
def test_progress_at_the_bounds_is_accepted(progress):
    assert draft(progress=progress).progress == progress


@pytest.mark.parametrize("field", ["status", "stage"])
def test_an_unknown_status_or_stage_is_refused(field):
    with pytest.raises(ValidationError, match=field):
        draft(**{field: "thinking"})


def test_a_completed_event_without_a_result_is_refused():
    with pytest.raises(ValidationError, match="result"):
        draft(status="completed", stage="completed", progress=100)


def test_a_failed_event_without_an_error_is_refused():
    with pytest.raises(ValidationError, match="error"):
        draft(status="failed", stage="failed")


def test_a_result_or_an_error_on_an_active_event_is_refused():
    with pytest.raises(ValidationError, match="result"):
        draft(result=completed().result)
    with pytest.raises(ValidationError, match="error"):
        draft(error=failed().error)


def test_a_terminal_status_must_come_with_its_own_stage():
    with pytest.raises(ValidationError, match="stage"):
        draft(status="cancelled", stage="saving")
    with pytest.raises(ValidationError, match="status"):
        draft(status="active", stage="completed")


def test_an_unknown_error_code_is_refused():
    with pytest.raises(ValidationError, match="code"):
        EventError(code="PDF_ON_FIRE", message="Oops", recoverable=False)


def test_unknown_fields_are_refused():
    with pytest.raises(ValidationError, match="colour"):
        draft(colour="red")


def test_timestamps_are_written_in_utc_with_milliseconds():
    moment = datetime(2026, 11, 23, 10, 0, 0, 123456, tzinfo=UTC)
    assert event(timestamp=moment).to_wire()["timestamp"] == "2026-11-23T10:00:00.123Z"


def test_timestamps_in_another_zone_are_written_in_utc():
    plus_two = timezone(timedelta(hours=2))
    moment = datetime(2026, 11, 23, 12, 0, 0, 5000, tzinfo=plus_two)
    assert event(timestamp=moment).to_wire()["timestamp"] == "2026-11-23T10:00:00.005Z"


def test_every_error_code_is_recoverable_as_the_protocol_says():
    assert {code.value for code in ErrorCode} == set(RECOVERABLE)
    for code in ErrorCode:
        assert code.recoverable is RECOVERABLE[code.value], code
        assert EventError.of(code, "Message for the user.").recoverable is RECOVERABLE[code.value]


def test_the_wire_event_has_exactly_the_fields_of_the_protocol():
    original = event()
    wire = original.to_wire()
    assert set(wire) == {
        "job_id",
        "user_id",
        "document_id",
        "seq",
        "user_seq",
        "attempt",
        "status",
        "stage",
        "progress",
        "message",
        "metadata",
        "result",
        "error",
        "timestamp",
    }
    assert wire == json.loads(json.dumps(wire))
    assert Event.model_validate(wire) == original


def test_metadata_keeps_the_keys_given_and_leaves_out_the_rest():
    with_metadata = EventDraft(
        status=Status.ACTIVE,
        stage=Stage.EXTRACTING_TEXT,
        progress=40,
        message="Extracting text (page 12 of 30)",
        metadata={"page_count": 30, "pages_done": 12, "new_key": "kept"},
    )
    wire = Event(
        **with_metadata.model_dump(),
        job_id=uuid.uuid4(),
        user_id="1",
        document_id=uuid.uuid4(),
        seq=1,
        user_seq=1,
        attempt=1,
        timestamp=datetime.now(UTC),
    ).to_wire()
    assert wire["metadata"] == {"page_count": 30, "pages_done": 12, "new_key": "kept"}


def test_a_completed_event_carries_its_result_on_the_wire():
    result = EventResult(
        note_id=uuid.uuid4(), title="Notes", processing_time_ms=2500, cache_hit=True
    )
    done = EventDraft(
        status=Status.COMPLETED, stage=Stage.COMPLETED, progress=100, message="Done", result=result
    )
    assert done.model_dump(mode="json")["result"] == {
        "note_id": str(result.note_id),
        "title": "Notes",
        "processing_time_ms": 2500,
        "cache_hit": True,
    }


def test_an_event_read_back_from_the_log_is_the_one_that_was_emitted(job):
    emitted = [
        emit_one(job.id, queued()),
        emit_one(job.id, active(Stage.EXTRACTING_TEXT, 40, pages_done=12, page_count=30)),
        emit_one(job.id, failed(ErrorCode.PDF_NO_TEXT, progress=40)),
    ]
    logged = [event_payload(row) for row in JobEvent.objects.filter(job=job).order_by("seq")]
    assert logged == [event.to_wire() for event in emitted]


def test_the_published_json_schema_is_the_one_the_code_generates():
    assert json.loads(PUBLISHED_SCHEMA.read_text()) == event_json_schema()
