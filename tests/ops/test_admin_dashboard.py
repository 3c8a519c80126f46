"""The admin index shows the last day: jobs by status, p50/p95 durations of completed jobs,
the depth of each queue and failures by error code."""

from datetime import timedelta

import pytest
from django.utils import timezone

from config.celery import app as celery_app
from ops.dashboard import dashboard_summary, percentile
from tests.factories import JobFactory
from tests.ops.conftest import closed_port_url

pytestmark = pytest.mark.django_db


def completed_job(seconds: float, finished_ago: timedelta = timedelta(minutes=5)):
    finished = timezone.now() - finished_ago
    return JobFactory(
        status="completed",
        stage="completed",
        started_at=finished - timedelta(seconds=seconds),
        finished_at=finished,
    )


def failed_job(code: str):
    return JobFactory(status="failed", stage="failed", error_code=code, finished_at=timezone.now())


def test_percentiles_are_nearest_rank():
    values = [float(n) for n in range(1, 21)]  # 1..20
    assert percentile(values, 50) == 10
    assert percentile(values, 95) == 19
    assert percentile([7.0], 95) == 7
    assert percentile([], 50) is None


def test_jobs_by_status_count_the_jobs_created_in_the_last_day():
    JobFactory.create_batch(2, status="queued")
    JobFactory(status="active")
    old = JobFactory(status="queued")
    type(old).objects.filter(id=old.id).update(created_at=timezone.now() - timedelta(days=2))
    counts = dashboard_summary().jobs_by_status
    assert counts == {
        "queued": 2,
        "active": 1,
        "completed": 0,
        "failed": 0,
        "stalled": 0,
        "cancelled": 0,
    }


def test_durations_are_the_p50_and_p95_of_jobs_completed_in_the_last_day():
    for seconds in range(1, 21):
        completed_job(seconds)
    completed_job(5000, finished_ago=timedelta(days=2))  # outside the window
    JobFactory(status="failed", started_at=timezone.now(), finished_at=timezone.now())
    summary = dashboard_summary()
    assert (summary.completed, summary.duration_p50, summary.duration_p95) == (20, 10, 19)


def test_failures_are_grouped_by_error_code_most_frequent_first():
    for code in ["PDF_ENCRYPTED", "PDF_NO_TEXT", "PDF_NO_TEXT", "AI_UNAVAILABLE", "PDF_NO_TEXT"]:
        failed_job(code)
    assert list(dashboard_summary().failures_by_code.items()) == [
        ("PDF_NO_TEXT", 3),
        ("AI_UNAVAILABLE", 1),
        ("PDF_ENCRYPTED", 1),
    ]


def test_queue_depths_come_from_the_broker_and_are_none_when_it_is_down(monkeypatch):
    assert set(dashboard_summary().queue_depths or {}) == {"pdf", "ai", "default"}
    monkeypatch.setitem(celery_app.conf, "broker_url", closed_port_url())
    assert dashboard_summary().queue_depths is None


def test_the_admin_index_shows_the_dashboard_above_the_apps(admin_client_for_ops):
    for seconds in (2, 4, 6):
        completed_job(seconds)
    failed_job("PDF_ENCRYPTED")
    response = admin_client_for_ops.get("/admin/")
    assert response.status_code == 200
    page = response.content.decode()
    assert page.index('id="ops-dashboard"') < page.index('id="content-main"')
    assert '<td class="number" data-metric="completed">3</td>' in page
    assert '<td class="number" data-metric="p50">4.0 s</td>' in page
    assert '<td class="number" data-metric="p95">6.0 s</td>' in page
    assert 'data-queue="pdf"' in page
    assert 'data-error-code="PDF_ENCRYPTED"' in page
    assert response.context["dashboard"].jobs_by_status["completed"] == 3


def test_the_admin_index_says_so_when_the_broker_is_down(admin_client_for_ops, monkeypatch):
    monkeypatch.setitem(celery_app.conf, "broker_url", closed_port_url())
    page = admin_client_for_ops.get("/admin/").content.decode()
    assert "The broker did not answer." in page
