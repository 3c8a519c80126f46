"""Uploading a PDF: 202 with the document and its job, the duplicate case, refused files."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from documents.models import Document
from jobs.models import Job
from jobs.snapshots import job_snapshot
from tests.api.conftest import pdf_part

pytestmark = pytest.mark.usefixtures("no_enqueue")

URL = "/api/documents/"


def post_file(api, file):
    return api.post(URL, {"file": file}, format="multipart")


def test_an_upload_answers_202_with_the_document_and_the_job_snapshot(api, user, small_pdf):
    response = post_file(api, pdf_part(small_pdf, name="../Lecture 1.pdf"))

    assert response.status_code == 202
    document = Document.objects.get(owner=user)
    job = Job.objects.select_related("document").get(document=document)
    assert response.json() == {
        "document": {
            "id": str(document.id),
            "file_name": "Lecture 1.pdf",
            "size": small_pdf.stat().st_size,
            "sha256": document.sha256,
            "page_count": None,
            "created_at": response.json()["document"]["created_at"],
        },
        "job": job_snapshot(job),
    }
    assert response.json()["job"]["status"] == "queued"


def test_the_same_bytes_sent_while_their_job_runs_answer_200_with_that_job(api, small_pdf):
    first = post_file(api, pdf_part(small_pdf))
    again = post_file(api, pdf_part(small_pdf, name="renamed.pdf"))

    assert (first.status_code, again.status_code) == (202, 200)
    assert again.json()["job"]["id"] == first.json()["job"]["id"]
    assert again.json()["document"] == first.json()["document"]
    assert Job.objects.count() == 1


def test_a_file_over_the_size_limit_is_refused_with_413(api, small_pdf, settings):
    settings.UPLOAD_MAX_BYTES = 1024
    response = post_file(api, pdf_part(small_pdf))

    assert response.status_code == 413
    body = response.json()
    assert (body["code"], body["details"]) == ("file_too_large", None)
    assert body["message"].startswith("The file is larger than")
    assert not Document.objects.exists()


def test_an_upload_declared_far_over_the_limit_is_refused_before_its_body_is_read(
    api, settings, monkeypatch
):
    def must_not_run(**_):
        raise AssertionError("the upload body was read")

    monkeypatch.setattr("documents.api.document_upload", must_not_run)
    settings.UPLOAD_MAX_BYTES = 1024
    response = post_file(api, SimpleUploadedFile("big.pdf", b"%PDF-1.7\n" + b"0" * 200_000))

    assert response.status_code == 413
    assert response.json()["code"] == "file_too_large"


def test_a_file_that_is_not_a_pdf_by_its_bytes_is_refused_with_415(api):
    response = post_file(api, SimpleUploadedFile("notes.pdf", b"<html>hello</html>"))

    assert response.status_code == 415
    assert response.json()["code"] == "not_a_pdf"
    assert not Document.objects.exists()


def test_an_empty_file_is_refused_with_400_empty_file(api):
    response = post_file(api, SimpleUploadedFile("empty.pdf", b""))

    assert response.status_code == 400
    assert response.json()["code"] == "empty_file"


def test_a_request_without_a_file_is_refused_with_400_and_the_field_error(api):
    response = api.post(URL, {"name": "lecture.pdf"}, format="multipart")

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert list(body["details"]) == ["file"]


def test_two_files_in_one_request_are_refused_with_400_too_many_files(api, small_pdf):
    response = api.post(
        URL, {"file": [pdf_part(small_pdf), pdf_part(small_pdf)]}, format="multipart"
    )

    assert response.status_code == 400
    assert response.json()["code"] == "too_many_files"
    assert not Document.objects.exists()


def test_a_json_body_is_refused_with_415_unsupported_media_type(api):
    response = api.post(URL, {"file": "JVBERi0="}, format="json")

    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type"
