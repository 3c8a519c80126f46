"""The OpenAPI schema: served, valid without warnings, and true to the shapes the API sends."""

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from jobs.models import JobEvent
from jobs.snapshots import event_payload, job_snapshot
from tests.pipeline.conftest import upload

UNAUTHENTICATED_OPERATIONS = {("/api/auth/token/", "post")}


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    with django_db_blocker.unblock():
        response = APIClient().get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return response.json()


def operations(schema):
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            yield path, method, operation


def test_the_schema_is_served_to_anyone(db):
    response = APIClient().get("/api/schema/")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.oai.openapi")


def test_the_schema_validates_without_warnings(db, tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "s.yaml"))


def test_the_polling_endpoints_are_documented_with_their_parameters_and_shapes(schema):
    job_events = schema["paths"]["/api/jobs/{job_id}/events/"]["get"]
    user_events = schema["paths"]["/api/events/"]["get"]

    assert {p["name"] for p in job_events["parameters"]} == {"job_id", "after", "wait"}
    assert {p["name"] for p in user_events["parameters"]} == {"after", "limit", "wait"}
    wait = next(p for p in user_events["parameters"] if p["name"] == "wait")
    assert wait["schema"]["maximum"] == 25

    def body(operation):
        return operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]

    assert body(job_events) == "#/components/schemas/JobEventsPage"
    assert body(user_events) == "#/components/schemas/UserEventsPage"
    pages = schema["components"]["schemas"]
    assert list(pages["JobEventsPage"]["properties"]) == ["job", "events", "recovered"]
    assert list(pages["UserEventsPage"]["properties"]) == ["jobs", "events", "recovered"]


def test_every_operation_documents_its_errors_in_the_error_format(schema):
    for path, method, operation in operations(schema):
        errors = {code: r for code, r in operation["responses"].items() if code >= "400"}
        assert "500" in errors, (path, method)
        if (path, method) not in UNAUTHENTICATED_OPERATIONS:
            assert "401" in errors, (path, method)
        for response in errors.values():
            ref = response["content"]["application/json"]["schema"]["$ref"]
            assert ref == "#/components/schemas/Error", (path, method)
    error = schema["components"]["schemas"]["Error"]
    assert list(error["properties"]) == ["code", "message", "details"]


def test_the_upload_documents_its_status_codes(schema):
    responses = schema["paths"]["/api/documents/"]["post"]["responses"]

    assert set(responses) == {"200", "202", "400", "401", "413", "415", "429", "500"}


def test_the_documented_job_is_the_snapshot_the_api_sends(schema, user, corpus, no_enqueue):
    job = upload(user, corpus / "minimal-document.pdf").job

    documented = list(schema["components"]["schemas"]["Job"]["properties"])

    assert documented == list(job_snapshot(job))


def test_the_documented_event_is_the_event_the_log_gives(schema, user, corpus, no_enqueue):
    upload(user, corpus / "minimal-document.pdf")

    documented = list(schema["components"]["schemas"]["Event"]["properties"])

    assert documented == list(event_payload(JobEvent.objects.get()))
