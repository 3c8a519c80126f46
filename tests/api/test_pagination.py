"""Lists come in pages: count, next and previous links, and a 404 past the last page."""

import pytest
from rest_framework.pagination import PageNumberPagination

from tests.factories import JobFactory


@pytest.fixture(autouse=True)
def _pages_of_two(monkeypatch):
    monkeypatch.setattr(PageNumberPagination, "page_size", 2)


@pytest.fixture
def three_jobs(user):
    return [JobFactory(owner=user) for _ in range(3)]


def test_a_list_gives_the_first_page_with_the_count_and_a_next_link(api, three_jobs):
    body = api.get("/api/jobs/").json()

    assert body["count"] == 3
    assert len(body["results"]) == 2
    assert body["previous"] is None
    assert body["next"] == "http://testserver/api/jobs/?page=2"


def test_the_pages_together_hold_every_item_once(api, three_jobs):
    first = api.get("/api/jobs/").json()
    second = api.get(first["next"]).json()

    ids = [job["id"] for job in first["results"] + second["results"]]
    assert sorted(ids) == sorted(str(job.id) for job in three_jobs)
    assert second["next"] is None


def test_a_page_past_the_end_is_a_404_in_the_error_format(api, three_jobs):
    response = api.get("/api/jobs/", {"page": 3})

    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "message": "Invalid page.", "details": None}
