"""The REST polling fallback of PROTOCOL.md section 4, long polling included."""

import re
import threading
import time
import uuid
from datetime import timedelta

import pytest
from channels.db import database_sync_to_async
from django.contrib.auth.models import User
from django.utils import timezone

from jobs import event_log
from jobs.events import ErrorCode, Stage
from jobs.models import JobEvent
from jobs.services import job_events_prune
from tests.servers import active, completed, emit_one, failed, pipeline, queued

pytestmark = pytest.mark.django_db(transaction=True)

SNAPSHOT_FIELDS = {
    "id",
    "document_id",
    "file_name",
    "status",
    "stage",
    "progress",
    "message",
    "attempt",
    "last_seq",
    "error",
    "result",
    "created_at",
    "started_at",
    "finished_at",
}
TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


@pytest.fixture
def api(async_client, token):
    """`await api(path)`: a GET with the user's API token; the response."""

    async def get(path, **headers):
        return await async_client.get(path, headers={"Authorization": f"Token {token}", **headers})

    return get


async def emit_all(emit_event, job_id, drafts):
    return [(await emit_event(job_id, draft)).to_wire() for draft in drafts]


async def test_the_job_snapshot_has_exactly_the_fields_of_the_protocol(api, emit_event, job):
    await emit_all(emit_event, job.id, [queued(), active(Stage.EXTRACTING_TEXT, 40)])
    response = await api(f"/api/jobs/{job.id}/")
    assert response.status_code == 200
    snapshot = response.json()
    assert set(snapshot) == SNAPSHOT_FIELDS
    assert snapshot | {"created_at": None, "started_at": None} == {
        "id": str(job.id),
        "document_id": str(job.document_id),
        "file_name": "lecture.pdf",
        "status": "active",
        "stage": "extracting_text",
        "progress": 40,
        "message": "Extracting text",
        "attempt": 1,
        "last_seq": 2,
        "error": None,
        "result": None,
        "created_at": None,
        "started_at": None,
        "finished_at": None,
    }
    assert TIMESTAMP.match(snapshot["created_at"])
    assert TIMESTAMP.match(snapshot["started_at"])


async def test_a_failed_jobs_snapshot_carries_the_error_as_the_event_does(api, emit_event, job):
    [_, failure] = await emit_all(emit_event, job.id, [queued(), failed(ErrorCode.PDF_ENCRYPTED)])
    snapshot = (await api(f"/api/jobs/{job.id}/")).json()
    assert snapshot["error"] == failure["error"]
    assert snapshot["error"] == {
        "code": "PDF_ENCRYPTED",
        "message": failure["error"]["message"],
        "recoverable": False,
    }
    assert TIMESTAMP.match(snapshot["finished_at"])


async def test_a_completed_jobs_snapshot_carries_the_result_as_the_event_does(api, emit_event, job):
    [_, done] = await emit_all(emit_event, job.id, [queued(), completed()])
    snapshot = (await api(f"/api/jobs/{job.id}/")).json()
    assert set(snapshot["result"]) == {"note_id", "title", "processing_time_ms", "cache_hit"}
    assert snapshot["result"] == done["result"]


async def test_the_job_events_after_a_cursor_come_with_the_job_and_recovered(api, emit_event, job):
    emitted = await emit_all(emit_event, job.id, pipeline(5))
    body = (await api(f"/api/jobs/{job.id}/events/?after=2")).json()
    assert body == {
        "job": (await api(f"/api/jobs/{job.id}/")).json(),
        "events": emitted[2:],
        "recovered": True,
    }


async def test_job_events_after_a_pruned_cursor_are_not_recovered(api, emit_event, job):
    await emit_all(emit_event, job.id, pipeline(5))
    long_ago = timezone.now() - timedelta(days=365)
    await JobEvent.objects.filter(job=job, seq__lte=3).aupdate(created_at=long_ago)
    await database_sync_to_async(job_events_prune)()
    body = (await api(f"/api/jobs/{job.id}/events/?after=1")).json()
    assert (body["events"], body["recovered"], body["job"]["last_seq"]) == ([], False, 5)


async def test_the_user_stream_holds_every_job_of_the_user_and_no_one_elses(
    api, emit_event, create_job, user, other_user
):
    first, second = await create_job(user), await create_job(user)
    others = await create_job(other_user)
    mine = []
    for draft in pipeline(3):
        mine += await emit_all(emit_event, first.id, [draft])
        await emit_all(emit_event, others.id, [draft])
        mine += await emit_all(emit_event, second.id, [draft])
    body = (await api("/api/events/?after=0")).json()
    assert body["events"] == mine
    assert body["recovered"] is True
    assert {job["id"] for job in body["jobs"]} == {str(first.id), str(second.id)}


async def test_the_user_stream_honours_the_cursor_and_the_limit(api, emit_event, job):
    emitted = await emit_all(emit_event, job.id, pipeline(6))
    body = (await api("/api/events/?after=1&limit=3")).json()
    assert [event["user_seq"] for event in body["events"]] == [2, 3, 4]
    assert body["events"] == emitted[1:4]


@pytest.mark.parametrize(
    "query", ["limit=501", "limit=0", "limit=-1", "after=x", "after=\uff11", "wait=26", "wait=-1"]
)
async def test_bad_query_parameters_get_400(api, query):
    response = await api(f"/api/events/?{query}")
    assert (response.status_code, response.json()["code"]) == (400, "bad_request")


async def test_another_users_job_and_a_missing_job_get_the_same_404(api, create_job, other_user):
    others = await create_job(other_user)
    answers = []
    for job_id in (others.id, uuid.uuid4()):
        for path in (f"/api/jobs/{job_id}/", f"/api/jobs/{job_id}/events/"):
            response = await api(path)
            answers.append((response.status_code, response.json()))
    assert answers[0][0] == 404
    assert all(answer == answers[0] for answer in answers)


async def test_staff_may_read_any_job(async_client, staff_token, job):
    headers = {"Authorization": f"Token {staff_token}"}
    response = await async_client.get(f"/api/jobs/{job.id}/", headers=headers)
    assert (response.status_code, response.json()["id"]) == (200, str(job.id))


@pytest.mark.parametrize(
    "path", ["/api/jobs/{job_id}/", "/api/jobs/{job_id}/events/", "/api/events/"]
)
async def test_without_credentials_the_answer_is_401(async_client, job, path):
    response = await async_client.get(path.format(job_id=job.id))
    assert (response.status_code, response.json()["code"]) == (401, "not_authenticated")
    assert response["WWW-Authenticate"] == "Token"


@pytest.mark.parametrize("path", ["/api/jobs/{job_id}/events/", "/api/events/"])
async def test_another_method_than_get_is_405_in_the_error_format(async_client, token, job, path):
    headers = {"Authorization": f"Token {token}"}
    response = await async_client.post(path.format(job_id=job.id), headers=headers)
    assert (response.status_code, response.json()["code"]) == (405, "method_not_allowed")
    assert response["Allow"] == "GET"


async def test_a_bad_token_gets_401(async_client, job):
    headers = {"Authorization": "Token not-a-token"}
    response = await async_client.get(f"/api/jobs/{job.id}/", headers=headers)
    assert response.status_code == 401


async def test_a_signed_in_session_is_enough(async_client, user, job):
    await async_client.aforce_login(await User.objects.aget(pk=user.pk))
    response = await async_client.get(f"/api/jobs/{job.id}/")
    assert (response.status_code, response.json()["id"]) == (200, str(job.id))


# --- Long polling -------------------------------------------------------------------------


def emit_once_read(monkeypatch, read_name, job_id, draft):
    """Emit from another thread as soon as the poll has read the log once."""
    real_read = getattr(event_log, read_name)
    first_read_done = threading.Event()

    def read(*args, **kwargs):
        page = real_read(*args, **kwargs)
        first_read_done.set()
        return page

    monkeypatch.setattr(event_log, read_name, read)

    def emit_after_the_read():
        assert first_read_done.wait(10)
        emit_one(job_id, draft)

    thread = threading.Thread(target=emit_after_the_read)
    thread.start()
    return thread


@pytest.mark.parametrize(
    ("path", "read_name"),
    [
        ("/api/jobs/{job_id}/events/?after=1&wait=5", "job_events_after"),
        ("/api/events/?after=1&wait=5", "user_events_after"),
    ],
    ids=["job", "user"],
)
async def test_a_long_poll_returns_as_soon_as_an_event_is_emitted(
    api, emit_event, monkeypatch, job, path, read_name
):
    await emit_event(job.id, queued())
    emitter = emit_once_read(monkeypatch, read_name, job.id, active(Stage.SAVING, 90))
    started = time.monotonic()
    body = (await api(path.format(job_id=job.id))).json()
    elapsed = time.monotonic() - started
    emitter.join()
    assert [event["seq"] for event in body["events"]] == [2]
    assert elapsed < 2.5


@pytest.mark.parametrize(
    ("path", "read_name"),
    [
        ("/api/jobs/{job_id}/events/?after=1&wait=5", "job_events_after"),
        ("/api/events/?after=1&wait=5", "user_events_after"),
    ],
    ids=["job", "user"],
)
async def test_an_event_committed_right_after_the_long_polls_read_still_wakes_it(
    api, emit_event, monkeypatch, job, path, read_name
):
    await emit_event(job.id, queued())
    real_read = getattr(event_log, read_name)
    raced: list[object] = []

    def read_then_an_event_commits(*args, **kwargs):
        page = real_read(*args, **kwargs)
        if not raced:
            raced.append(emit_one(job.id, active(Stage.SAVING, 90)))
        return page

    monkeypatch.setattr(event_log, read_name, read_then_an_event_commits)
    started = time.monotonic()
    body = (await api(path.format(job_id=job.id))).json()
    assert [event["seq"] for event in body["events"]] == [2]
    assert time.monotonic() - started < 2.5


async def test_a_long_poll_with_nothing_new_returns_empty_when_the_wait_is_over(
    api, emit_event, job
):
    await emit_event(job.id, queued())
    started = time.monotonic()
    body = (await api(f"/api/jobs/{job.id}/events/?after=1&wait=1")).json()
    assert body["events"] == []
    assert 1 <= time.monotonic() - started < 4


async def test_a_long_poll_with_events_already_there_returns_at_once(api, emit_event, job):
    await emit_event(job.id, queued())
    started = time.monotonic()
    body = (await api(f"/api/jobs/{job.id}/events/?after=0&wait=25")).json()
    assert [event["seq"] for event in body["events"]] == [1]
    assert time.monotonic() - started < 5
