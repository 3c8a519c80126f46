"""Every object endpoint answers another user's object exactly as a missing one: 404."""

import re
import uuid

import pytest

from config import api_urls
from jobs.models import Job

pytestmark = pytest.mark.usefixtures("no_enqueue")

OBJECT_ENDPOINTS = [
    ("get", "/api/documents/{document}/"),
    ("get", "/api/documents/{document}/status/"),
    ("get", "/api/jobs/{job}/"),
    ("post", "/api/jobs/{job}/cancel/"),
    ("post", "/api/jobs/{job}/retry/"),
    ("get", "/api/jobs/{job}/events/"),
    ("get", "/api/notes/{note}/"),
    ("get", "/api/notes/{note}/export/"),
]
READ_ENDPOINTS = [(method, path) for method, path in OBJECT_ENDPOINTS if method == "get"]


def test_the_table_holds_every_api_route_that_names_an_object():
    routes = {
        "/api/" + re.sub(r"<\w+:(\w+)_id>", r"{\1}", str(pattern.pattern))
        for pattern in api_urls.urlpatterns
        if "<" in str(pattern.pattern)
    }

    assert routes == {path for _, path in OBJECT_ENDPOINTS}


@pytest.fixture
def others_objects(make_note, other_user):
    note = make_note(other_user)
    return {"document": note.document_id, "job": note.job_id, "note": note.id}


def missing_objects():
    return {"document": uuid.uuid4(), "job": uuid.uuid4(), "note": uuid.uuid4()}


@pytest.mark.parametrize(("method", "path"), OBJECT_ENDPOINTS)
def test_another_users_object_answers_404_exactly_like_a_missing_one(
    api, others_objects, method, path
):
    theirs = getattr(api, method)(path.format(**others_objects))
    missing = getattr(api, method)(path.format(**missing_objects()))

    assert theirs.status_code == missing.status_code == 404
    assert theirs.json() == missing.json()
    assert theirs.json()["code"] == "not_found"


def test_refused_actions_leave_the_other_users_job_alone(api, others_objects):
    before = Job.objects.values().get(id=others_objects["job"])

    api.post(f"/api/jobs/{others_objects['job']}/cancel/")
    api.post(f"/api/jobs/{others_objects['job']}/retry/")

    assert Job.objects.values().get(id=others_objects["job"]) == before


@pytest.mark.parametrize(("method", "path"), READ_ENDPOINTS)
def test_staff_can_read_every_users_objects(api_for, staff_user, others_objects, method, path):
    response = getattr(api_for(staff_user), method)(path.format(**others_objects))

    assert response.status_code == 200


@pytest.mark.parametrize(
    ("path", "id_of"),
    [
        ("/api/documents/", lambda note: note.document_id),
        ("/api/jobs/", lambda note: note.job_id),
        ("/api/notes/", lambda note: note.id),
    ],
)
def test_lists_hold_only_the_users_own_objects(api, make_note, user, others_objects, path, id_of):
    mine = make_note(user)

    ids = [item["id"] for item in api.get(path).json()["results"]]

    assert ids == [str(id_of(mine))]
