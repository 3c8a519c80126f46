import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from documents.models import Document
from documents.services import document_upload
from documents.uploads import UploadRejected, sanitize_file_name
from jobs.models import Job

pytestmark = pytest.mark.usefixtures("no_enqueue")


def test_a_file_that_is_not_a_pdf_by_its_bytes_is_refused_with_415(user):
    fake = SimpleUploadedFile("notes.pdf", b"<html>not a pdf</html>", "application/pdf")
    with pytest.raises(UploadRejected) as refused:
        document_upload(owner=user, upload=fake)
    assert (refused.value.status, refused.value.code) == (415, "not_a_pdf")
    assert not Document.objects.exists()


def test_an_empty_file_is_refused(user):
    with pytest.raises(UploadRejected) as refused:
        document_upload(owner=user, upload=SimpleUploadedFile("empty.pdf", b""))
    assert refused.value.code == "empty_file"


def test_a_file_over_the_size_limit_is_refused_with_413(user, settings):
    settings.UPLOAD_MAX_BYTES = 100
    big = SimpleUploadedFile("big.pdf", b"%PDF-1.7\n" + b"0" * 200)
    with pytest.raises(UploadRejected) as refused:
        document_upload(owner=user, upload=big)
    assert (refused.value.status, refused.value.code) == (413, "file_too_large")


def test_an_upload_stores_the_file_and_queues_a_job(user, corpus):
    data = (corpus / "minimal-document.pdf").read_bytes()
    result = document_upload(owner=user, upload=SimpleUploadedFile("a.pdf", data))
    assert result.document.file.read() == data
    assert result.job.status == "queued"
    assert result.job.last_seq == 1
    assert Job.objects.get().document == result.document


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("../../etc/passwd", "passwd.pdf"),
        ("C:\\Users\\me\\lecture 3.pdf", "lecture 3.pdf"),
        ("bad\x00name\n.pdf", "badname.pdf"),
        ("", "document.pdf"),
        ("...", "document.pdf"),
        ("Übung <1>.PDF", "Übung _1_.PDF"),
    ],
)
def test_file_names_lose_path_parts_and_control_characters(raw, clean):
    assert sanitize_file_name(raw) == clean
