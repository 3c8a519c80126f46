"""The pipeline end to end through a real Celery worker on the real broker."""

import time

import pytest

from jobs.models import JobEvent
from jobs.services import job_cancel
from notes.models import Note
from tests.pipeline.conftest import upload
from tests.servers import running_celery_worker, wait_for_terminal

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("worker")]


@pytest.fixture(scope="module")
def worker(django_db_setup, django_db_blocker, tmp_path_factory):
    """One worker for the module's tests (each corpus file would otherwise start its own)."""
    with django_db_blocker.unblock(), running_celery_worker(tmp_path_factory.mktemp("w")) as w:
        yield w


CORPUS_OUTCOMES = [
    ("minimal-document.pdf", "completed", ""),
    ("pdflatex-4-pages.pdf", "completed", ""),
    ("multicolumn.pdf", "completed", ""),
    ("google-doc-document.pdf", "completed", ""),
    ("GeoTopo-komprimiert.pdf", "completed", ""),
    ("libreoffice-writer-password.pdf", "failed", "PDF_ENCRYPTED"),
    ("grayscale-image.pdf", "failed", "PDF_NO_TEXT"),
    ("qpdf-bad-xref.pdf", "failed", "PDF_INVALID"),
    ("qpdf-deep-pages.pdf", "failed", "PDF_INVALID"),
]


def assert_log_is_consistent(job) -> None:
    events = list(JobEvent.objects.filter(job=job).order_by("seq"))
    assert [event.seq for event in events] == list(range(1, len(events) + 1))
    terminal = [event for event in events if event.status in ("completed", "failed", "cancelled")]
    assert len(terminal) == 1
    assert terminal[0].seq == events[-1].seq
    assert events[-1].status == job.status


@pytest.mark.parametrize(("file_name", "status", "code"), CORPUS_OUTCOMES)
def test_every_corpus_file_reaches_its_expected_outcome(user, corpus, file_name, status, code):
    job = wait_for_terminal(upload(user, corpus / file_name).job)
    assert (job.status, job.error_code) == (status, code)
    assert Note.objects.filter(job=job).count() == (1 if status == "completed" else 0)
    assert_log_is_consistent(job)


def test_the_unreadable_metadata_file_completes_or_fails_as_invalid(user, corpus):
    job = wait_for_terminal(upload(user, corpus / "unreadablemetadata.pdf").job)
    assert (job.status, job.error_code) in {("completed", ""), ("failed", "PDF_INVALID")}
    assert_log_is_consistent(job)


def test_a_worker_killed_mid_extraction_is_redelivered_and_the_job_completes_once(
    user, corpus, worker
):
    job = upload(user, corpus / "GeoTopo-komprimiert.pdf").job
    deadline = time.monotonic() + 30
    while not JobEvent.objects.filter(job=job, stage="extracting_text").exists():
        assert time.monotonic() < deadline, "extraction never started"
        time.sleep(0.01)
    killed = worker.child_pids()
    worker.kill_children()
    job.refresh_from_db()
    assert not job.is_terminal, "the kill has to land while the job runs"

    job = wait_for_terminal(job, timeout=90)
    assert not set(killed) & set(worker.child_pids())
    assert job.status == "completed"
    assert Note.objects.filter(job=job).count() == 1
    assert_log_is_consistent(job)


def test_a_job_cancelled_mid_extraction_stops_and_ends_cancelled(user, corpus):
    job = upload(user, corpus / "GeoTopo-komprimiert.pdf").job
    deadline = time.monotonic() + 30
    while not JobEvent.objects.filter(job=job, stage="extracting_text").exists():
        assert time.monotonic() < deadline, "extraction never started"
        time.sleep(0.01)
    job_cancel(job=job, by=user)

    time.sleep(3)  # long enough for the worker to have gone on, had it not stopped
    job.refresh_from_db()
    assert job.status == "cancelled"
    assert not Note.objects.filter(job=job).exists()
    last = JobEvent.objects.filter(job=job).order_by("-seq").first()
    assert (last.status, last.seq) == ("cancelled", job.last_seq)
    assert_log_is_consistent(job)
