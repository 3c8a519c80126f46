import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from jobs.models import JobEvent
from notes.models import Note
from tests.factories import JobFactory


def _event(job, seq: int, user_seq: int) -> JobEvent:
    return JobEvent.objects.create(
        job=job,
        user=job.owner,
        document_id=job.document_id,
        seq=seq,
        user_seq=user_seq,
        attempt=1,
        status="queued",
        stage="queued",
        progress=0,
        created_at=timezone.now(),
    )


def test_a_second_event_with_the_same_seq_is_refused(job):
    _event(job, seq=1, user_seq=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        _event(job, seq=1, user_seq=2)


def test_a_second_event_with_the_same_user_seq_is_refused(job):
    other_job = JobFactory(owner=job.owner)
    _event(job, seq=1, user_seq=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        _event(other_job, seq=1, user_seq=1)


def test_a_second_note_for_one_job_is_refused(job):
    def note() -> Note:
        return Note.objects.create(
            owner=job.owner,
            job=job,
            document=job.document,
            title="Notes",
            content={},
            quiz={},
            generator="local",
            generator_version="1",
        )

    note()
    with pytest.raises(IntegrityError), transaction.atomic():
        note()


def test_stored_files_are_named_by_id_not_by_the_upload_name(job):
    assert job.document.file.name == f"documents/{job.owner_id}/{job.document_id}.pdf"
