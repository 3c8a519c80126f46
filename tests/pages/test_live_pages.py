"""The upload page and the jobs dashboard give their script what it needs."""

import re

import pytest
from django.test import Client

from jobs.emitter import emit
from jobs.events import STAGE_LABELS, EventDraft, Stage, Status
from jobs.snapshots import job_snapshot
from tests.factories import JobFactory
from tests.pages.conftest import json_script

pytestmark = pytest.mark.django_db(transaction=True)

STAGE_NAMES = {stage.value: label for stage, label in STAGE_LABELS.items()}


def extracting(progress: int) -> EventDraft:
    return EventDraft(
        status=Status.ACTIVE, stage=Stage.EXTRACTING_TEXT, progress=progress, message="Reading"
    )


@pytest.mark.parametrize("path", ["/upload/", "/jobs/"])
def test_the_stage_names_come_from_the_python_enum(signed_in: Client, path: str):
    config = json_script(signed_in.get(path).content.decode(), "live-config")
    assert config["stage_labels"] == STAGE_NAMES
    assert config["note_url"] == "/notes/{id}/"
    assert config["cancel_url"] == "/api/jobs/{id}/cancel/"
    assert config["retry_url"] == "/api/jobs/{id}/retry/"


@pytest.mark.parametrize("path", ["/upload/", "/jobs/"])
def test_live_pages_announce_progress_and_the_connection_politely(signed_in: Client, path: str):
    html = signed_in.get(path).content.decode()
    assert 'id="connection-status" role="status"' in html
    assert 'id="announcer" aria-live="polite"' in html
    assert 'role="progressbar" aria-valuemin="0" aria-valuemax="100"' in html


def test_the_upload_page_passes_the_size_limit_to_the_browser(signed_in: Client, settings):
    settings.UPLOAD_MAX_BYTES = 5 * 1024 * 1024
    html = signed_in.get("/upload/").content.decode()
    assert json_script(html, "upload-config") == {
        "max_bytes": 5 * 1024 * 1024,
        "upload_url": "/api/documents/",
    }
    assert 'accept="application/pdf,.pdf"' in html
    assert "up to 5.0\xa0MB each" in html


def test_the_dashboard_holds_the_users_jobs_and_the_stream_cursor(signed_in: Client, user):
    older, newer = JobFactory.create(owner=user), JobFactory.create(owner=user)
    for job in (older, newer):
        emit(job.id, EventDraft(status=Status.QUEUED, stage=Stage.QUEUED, progress=0, message=""))
    emit(newer.id, extracting(20))
    newer.refresh_from_db()
    older.refresh_from_db()

    config = json_script(signed_in.get("/jobs/").content.decode(), "dashboard-config")

    assert config["user_cursor"] == 3
    assert config["jobs"] == [job_snapshot(newer), job_snapshot(older)]


def test_the_dashboard_shows_no_one_elses_jobs(signed_in: Client, other_user):
    JobFactory.create(owner=other_user)
    html = signed_in.get("/jobs/").content.decode()
    assert json_script(html, "dashboard-config") == {"user_cursor": 0, "jobs": []}
    assert 'id="jobs-empty">' in html


def test_pages_load_nothing_from_other_sites(signed_in: Client):
    for path in ("/login/", "/upload/", "/jobs/", "/notes/"):
        html = signed_in.get(path).content.decode()
        assert not re.search(r'(src|href)="(https?:)?//', html), path
