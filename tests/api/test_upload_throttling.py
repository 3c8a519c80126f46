"""Uploads are throttled per user (scope `uploads`); reading is not."""

import pytest
from rest_framework.throttling import ScopedRateThrottle

from tests.api.conftest import pdf_part

pytestmark = pytest.mark.usefixtures("no_enqueue")


@pytest.fixture(autouse=True)
def _two_uploads_a_minute(monkeypatch):
    monkeypatch.setitem(ScopedRateThrottle.THROTTLE_RATES, "uploads", "2/minute")


def test_uploads_over_the_rate_are_refused_with_429_saying_when_to_retry(api, small_pdf):
    answers = [
        api.post("/api/documents/", {"file": pdf_part(small_pdf)}, format="multipart")
        for _ in range(3)
    ]

    assert [answer.status_code for answer in answers] == [202, 200, 429]
    refused = answers[2]
    body = refused.json()
    assert body["code"] == "throttled"
    retry_after = body["details"]["retry_after"]
    assert 0 < retry_after <= 60
    assert body["message"] == f"Too many requests. Try again in {retry_after} seconds."
    assert refused["Retry-After"] == str(retry_after)


def test_the_rate_is_per_user(api, api_for, other_user, small_pdf):
    for _ in range(2):
        api.post("/api/documents/", {"file": pdf_part(small_pdf)}, format="multipart")

    other = api_for(other_user).post(
        "/api/documents/", {"file": pdf_part(small_pdf)}, format="multipart"
    )

    assert other.status_code == 202


def test_listing_documents_does_not_count_against_the_upload_rate(api, small_pdf):
    for _ in range(5):
        assert api.get("/api/documents/").status_code == 200

    response = api.post("/api/documents/", {"file": pdf_part(small_pdf)}, format="multipart")

    assert response.status_code == 202
