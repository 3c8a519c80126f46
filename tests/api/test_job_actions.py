"""A job's snapshot, and cancelling and retrying it through the API, including the refusals."""

import pytest

from jobs.models import Job
from jobs.services import job_cancel
from jobs.snapshots import job_snapshot
from tests.pipeline.conftest import run_pipeline, upload

pytestmark = pytest.mark.usefixtures("no_enqueue")


@pytest.fixture
def queued_job(user, small_pdf):
    return upload(user, small_pdf).job


def snapshot_of(job):
    return job_snapshot(Job.objects.select_related("document").get(id=job.id))


def test_a_job_answers_with_its_snapshot(api, queued_job):
    response = api.get(f"/api/jobs/{queued_job.id}/")

    assert response.status_code == 200
    assert response.json() == snapshot_of(queued_job)


def test_cancelling_a_queued_job_answers_200_with_the_cancelled_snapshot(api, queued_job):
    response = api.post(f"/api/jobs/{queued_job.id}/cancel/")

    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    assert response.json() == snapshot_of(queued_job)


def test_cancelling_a_job_that_has_ended_is_refused_with_409(api, user, queued_job):
    job_cancel(job=queued_job, by=user)

    response = api.post(f"/api/jobs/{queued_job.id}/cancel/")

    assert response.status_code == 409
    assert response.json() == {
        "code": "not_cancellable",
        "message": "The job has already cancelled.",
        "details": None,
    }


def test_retrying_a_cancelled_job_answers_202_with_its_next_attempt(api, user, queued_job):
    job_cancel(job=queued_job, by=user)

    response = api.post(f"/api/jobs/{queued_job.id}/retry/")

    assert response.status_code == 202
    body = response.json()
    assert (body["status"], body["attempt"]) == ("queued", 2)
    assert body == snapshot_of(queued_job)


def test_retrying_a_completed_job_is_refused_with_409(api, queued_job):
    run_pipeline(queued_job)

    response = api.post(f"/api/jobs/{queued_job.id}/retry/")

    assert response.status_code == 409
    assert response.json()["code"] == "not_retryable"
    assert Job.objects.get(id=queued_job.id).status == "completed"


def test_retrying_a_queued_job_is_refused_with_409(api, queued_job):
    response = api.post(f"/api/jobs/{queued_job.id}/retry/")

    assert response.status_code == 409
    assert response.json()["code"] == "not_retryable"
