"""The pipeline's steps, run in order in the test process, on real PDFs of the corpus."""

import pytest

from jobs.errors import JobError
from jobs.events import ErrorCode, Stage
from jobs.models import JobEvent
from jobs.services import job_cancel, job_retry
from notes.generation.local import LocalGenerator
from notes.models import Note, NotesCacheEntry
from tests.pipeline.conftest import run_pipeline, upload
from tests.servers import ACTIVE_STAGES

pytestmark = pytest.mark.usefixtures("no_enqueue")

MISS_STAGES = ["queued", *ACTIVE_STAGES, "completed"]


def stages_of(job) -> list[str]:
    stages: list[str] = []
    for stage in JobEvent.objects.filter(job=job).order_by("seq").values_list("stage", flat=True):
        if not stages or stages[-1] != stage:
            stages.append(stage)
    return stages


def test_a_text_pdf_goes_through_every_stage_and_gets_one_note(user, corpus):
    job = run_pipeline(upload(user, corpus / "pdflatex-4-pages.pdf").job)
    assert job.status == "completed"
    assert stages_of(job) == MISS_STAGES
    assert Note.objects.filter(job=job).count() == 1
    assert job.result["note_id"] == str(job.note.id)
    assert job.result["cache_hit"] is False
    assert job.document.page_count == 4


def test_progress_never_goes_back_and_seq_has_no_gaps(user, corpus):
    job = run_pipeline(upload(user, corpus / "multicolumn.pdf").job)
    events = list(JobEvent.objects.filter(job=job).order_by("seq"))
    assert [event.seq for event in events] == list(range(1, len(events) + 1))
    progress = [event.progress for event in events]
    assert progress == sorted(progress)
    assert progress[-1] == 100


def test_the_same_bytes_uploaded_again_take_the_cache_path_without_extracting(user, corpus):
    first = run_pipeline(upload(user, corpus / "pdflatex-4-pages.pdf").job)
    second = run_pipeline(upload(user, corpus / "pdflatex-4-pages.pdf").job)
    assert second.id != first.id
    assert stages_of(second) == [
        "queued",
        "initializing",
        "downloading",
        "checking_cache",
        "saving",
        "completed",
    ]
    assert second.cache_hit is True
    assert second.result["cache_hit"] is True
    assert second.note.title == first.note.title
    assert NotesCacheEntry.objects.count() == 1


def test_uploading_bytes_whose_job_is_still_running_returns_that_job(user, corpus):
    first = upload(user, corpus / "minimal-document.pdf")
    again = upload(user, corpus / "minimal-document.pdf", name="renamed.pdf")
    assert first.created is True
    assert again.created is False
    assert again.job.id == first.job.id


@pytest.mark.parametrize(
    ("file_name", "code"),
    [
        ("libreoffice-writer-password.pdf", "PDF_ENCRYPTED"),
        ("grayscale-image.pdf", "PDF_NO_TEXT"),
        ("qpdf-bad-xref.pdf", "PDF_INVALID"),
        ("qpdf-deep-pages.pdf", "PDF_INVALID"),
    ],
)
def test_a_bad_pdf_fails_with_its_code_and_a_message_for_a_person(user, corpus, file_name, code):
    job = run_pipeline(upload(user, corpus / file_name).job)
    assert (job.status, job.stage, job.error_code) == ("failed", "failed", code)
    assert job.recoverable is False
    assert "Traceback" not in job.error_message
    assert "/" not in job.error_message
    last = JobEvent.objects.filter(job=job).order_by("-seq").first()
    assert last.error == {"code": code, "message": job.error_message, "recoverable": False}


def test_a_cancelled_job_is_not_touched_again_by_its_worker(user, corpus):
    job = upload(user, corpus / "pdflatex-4-pages.pdf").job
    job_cancel(job=job, by=user)
    job = run_pipeline(job)
    assert stages_of(job) == ["queued", "cancelled"]
    assert not Note.objects.filter(job=job).exists()


def test_a_retried_job_reuses_the_text_it_extracted_before(user, corpus, monkeypatch):
    class BusyService(LocalGenerator):
        def generate_notes(self, document, *, on_progress):
            raise JobError(ErrorCode.AI_UNAVAILABLE, "The notes service is busy right now.")

    monkeypatch.setattr("jobs.pipeline.steps.notes_generator", BusyService)
    job = run_pipeline(upload(user, corpus / "multicolumn.pdf").job)
    assert (job.status, job.error_code, job.recoverable) == ("failed", "AI_UNAVAILABLE", True)

    monkeypatch.undo()
    job = run_pipeline(job_retry(job=job, by=user))
    attempt_two = list(JobEvent.objects.filter(job=job, attempt=2).values_list("stage", flat=True))
    assert job.status == "completed"
    assert job.attempt == 2
    assert attempt_two[0] == "queued"
    assert Stage.EXTRACTING_TEXT not in attempt_two
    assert Note.objects.filter(job=job).count() == 1
