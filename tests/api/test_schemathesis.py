"""Schemathesis against the served OpenAPI schema: no answer is a 5xx, and every answer (status,
content type, body, headers) is one the schema documents.

Each operation gets a bounded, repeatable set of generated requests (valid and invalid), sent
through the WSGI app inside the test's database transaction, with a real user's API token;
a share of the valid ones name the user's real documents, jobs and notes, or upload a real PDF.
A second run sends no valid credentials and must get the documented 401.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from config.wsgi import application
from jobs.services import job_cancel
from tests.pipeline.conftest import upload

# Loaded from the app, as a client would load it (the schema view reads no database).
schema = schemathesis.openapi.from_wsgi("/api/schema/", application)

pytestmark = pytest.mark.django_db

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]
REPEATABLE = settings(
    deadline=None,
    derandomize=True,
    database=None,
    # The test's fixtures (user, objects, transaction) are shared by the examples on purpose.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# Long polling holds an answer with no new event for `wait` seconds: exercised, but briefly.
LONGEST_WAIT_SECONDS = 1


@pytest.fixture(autouse=True)
def _requests_keep_the_test_transaction() -> Iterator[None]:
    """Django closes the connection when a request finishes, and with it the test's open
    transaction; its test client unhooks that around its requests, and so does this."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def real_ids(user, other_user, make_note, corpus: Path) -> dict[str, list[str]]:
    """Path ids of real objects: the user's completed job with its note, a queued job and a
    cancelled one (so cancel and retry can succeed), and another user's job (a 404)."""
    note = make_note(user)
    queued = upload(user, corpus / "pdflatex-4-pages.pdf").job
    cancelled = job_cancel(job=upload(user, corpus / "multicolumn.pdf").job, by=user)
    foreign = upload(other_user, corpus / "grayscale-image.pdf").job
    jobs = [note.job, queued, cancelled, foreign]
    return {
        "document_id": [str(job.document_id) for job in jobs],
        "job_id": [str(job.id) for job in jobs],
        "note_id": [str(note.id)],
    }


def is_valid(case) -> bool:
    return case.meta is not None and case.meta.generation.mode.is_positive


def one_in(value: str | bytes, share: int) -> int:
    """A repeatable pick from a generated value: 0 for about one value in `share`."""
    data = value.encode() if isinstance(value, str) else value
    return zlib.crc32(data) % share


def use_real_objects(case, real_ids: dict[str, list[str]], pdf: bytes) -> None:
    """About half the valid ids name real objects, and half the valid uploads are a real PDF;
    which ones follows from the generated values, so the run stays repeatable."""
    for name, value in (case.path_parameters or {}).items():
        if name in real_ids:
            ids = real_ids[name]
            pick = one_in(value, 2 * len(ids))
            if pick < len(ids):
                case.path_parameters[name] = ids[pick]
    is_upload = case.operation.label == "POST /api/documents/"
    if is_upload and isinstance(case.body, dict) and one_in(repr(case.body), 2) == 0:
        case.body = {**case.body, "file": pdf}


def cap_long_polling(case) -> None:
    wait = str((case.query or {}).get("wait", ""))
    if wait.isdigit() and int(wait) > LONGEST_WAIT_SECONDS:
        case.query["wait"] = LONGEST_WAIT_SECONDS


@schema.parametrize()
@settings(REPEATABLE, max_examples=30)
def test_every_answer_to_a_signed_in_user_is_documented(
    case, real_ids, small_pdf: Path, token: str, no_enqueue
) -> None:
    if is_valid(case):
        use_real_objects(case, real_ids, small_pdf.read_bytes())
    cap_long_polling(case)

    case.call_and_validate(headers={"Authorization": f"Token {token}"}, checks=CHECKS)


# The token endpoint takes no credentials: the first run covers it.
@schema.exclude(path="/api/auth/token/").parametrize()
@settings(REPEATABLE, max_examples=15)
def test_every_operation_answers_an_anonymous_client_with_the_documented_401(
    case, no_enqueue
) -> None:
    cap_long_polling(case)

    response = case.call_and_validate(checks=CHECKS)

    # An invalid request may also name no route (404) or use a method the path lacks (405).
    assert response.status_code in ({401} if is_valid(case) else {401, 404, 405})
