"""Listing jobs: the user's own, newest first, as snapshots, filtered by status."""

import pytest

from jobs.models import Job
from jobs.snapshots import job_snapshot
from tests.factories import JobFactory


@pytest.fixture
def jobs_by_status(user):
    return {status: JobFactory(owner=user, status=status) for status in ("queued", "failed")}


def test_the_list_holds_the_users_jobs_as_snapshots_newest_first(api, jobs_by_status):
    results = api.get("/api/jobs/").json()["results"]

    expected = Job.objects.select_related("document").order_by("-created_at")
    assert results == [job_snapshot(job) for job in expected]


def test_the_status_filter_keeps_only_jobs_with_that_status(api, jobs_by_status):
    results = api.get("/api/jobs/", {"status": "failed"}).json()["results"]

    assert [job["id"] for job in results] == [str(jobs_by_status["failed"].id)]


def test_a_status_filter_that_matches_nothing_gives_an_empty_page(api, jobs_by_status):
    body = api.get("/api/jobs/", {"status": "completed"}).json()

    assert (body["count"], body["results"]) == (0, [])


def test_an_unknown_status_is_refused_with_400_naming_the_parameter(api, jobs_by_status):
    response = api.get("/api/jobs/", {"status": "finished"})

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert list(body["details"]) == ["status"]


def test_staff_see_every_users_jobs(api_for, staff_user, jobs_by_status, other_user):
    theirs = JobFactory(owner=other_user)

    results = api_for(staff_user).get("/api/jobs/").json()["results"]

    assert str(theirs.id) in {job["id"] for job in results}
    assert len(results) == 3
