"""Reading documents: the list, one document, and its status (the latest job's snapshot)."""

import pytest

from jobs.models import Job
from jobs.services import job_cancel
from jobs.snapshots import job_snapshot
from tests.factories import DocumentFactory
from tests.pipeline.conftest import upload

pytestmark = pytest.mark.usefixtures("no_enqueue")


@pytest.fixture
def uploaded(user, small_pdf):
    return upload(user, small_pdf)


def test_the_list_holds_the_users_documents(api, uploaded):
    body = api.get("/api/documents/").json()

    assert body["count"] == 1
    assert body["results"][0]["id"] == str(uploaded.document.id)
    assert body["results"][0]["file_name"] == "minimal-document.pdf"


def test_a_document_answers_with_its_fields(api, uploaded):
    document = uploaded.document

    body = api.get(f"/api/documents/{document.id}/").json()

    assert body == {
        "id": str(document.id),
        "file_name": document.original_name,
        "size": document.size,
        "sha256": document.sha256,
        "page_count": None,
        "created_at": body["created_at"],
    }
    assert body["created_at"].endswith("Z")


def test_the_status_is_the_snapshot_of_the_documents_latest_job(api, user, uploaded):
    job_cancel(job=uploaded.job, by=user)

    response = api.get(f"/api/documents/{uploaded.document.id}/status/")

    assert response.status_code == 200
    job = Job.objects.select_related("document").get(id=uploaded.job.id)
    assert response.json() == job_snapshot(job)
    assert response.json()["status"] == "cancelled"


def test_a_document_without_a_job_has_no_status(api, user):
    document = DocumentFactory(owner=user)

    response = api.get(f"/api/documents/{document.id}/status/")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
