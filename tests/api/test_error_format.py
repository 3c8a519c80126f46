"""One error format everywhere: {"code", "message", "details"}, including for the unexpected."""

import logging
import uuid

import pytest
from rest_framework.test import APIClient

from config.api_errors import INTERNAL_ERROR_MESSAGE


def test_an_unexpected_error_is_a_500_with_a_generic_message_and_is_logged(
    api, job, monkeypatch, caplog
):
    def broken(*_args, **_kwargs):
        raise RuntimeError("database password is hunter2, see /srv/app/secret.py")

    monkeypatch.setattr("jobs.api.get_job_for_user", broken)

    with caplog.at_level(logging.ERROR, logger="config.api_errors"):
        response = api.get(f"/api/jobs/{job.id}/")

    assert response.status_code == 500
    assert response.json() == {
        "code": "internal_error",
        "message": INTERNAL_ERROR_MESSAGE,
        "details": None,
    }
    assert b"hunter2" not in response.content
    assert b"Traceback" not in response.content
    [record] = [r for r in caplog.records if r.name == "config.api_errors"]
    assert record.exc_info is not None
    assert "hunter2" in str(record.exc_info[1])


def test_a_method_an_endpoint_does_not_have_is_a_405(api, job):
    response = api.delete(f"/api/jobs/{job.id}/")

    assert response.status_code == 405
    assert response.json() == {
        "code": "method_not_allowed",
        "message": 'Method "DELETE" not allowed.',
        "details": None,
    }


@pytest.mark.parametrize("path", ["/api/nothing/here/", f"/api/jobs/{uuid.uuid4()}/nothing/"])
def test_a_path_that_names_no_endpoint_is_a_404_in_the_error_format(api, path):
    response = api.get(path)

    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "message": "No such endpoint.", "details": None}


def test_an_id_that_is_not_a_uuid_is_a_404_in_the_error_format(api):
    response = api.get("/api/jobs/not-a-uuid/")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_a_body_that_is_not_json_is_a_400(db):
    response = APIClient().post(
        "/api/auth/token/", data="{not json", content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"
