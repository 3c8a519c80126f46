"""The metrics follow the jobs: events and durations as they are emitted, jobs by status and
queue depth as they are at scrape time.

Other test runs on this machine share the metrics folder, so counters are compared by how
much they grew; tests/ops/test_metrics_across_processes.py checks exact values in a folder of
its own.
"""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from config.celery import app as celery_app
from jobs.events import ErrorCode, Stage
from jobs.models import Job
from ops.broker import queue_depths
from tests.factories import JobFactory
from tests.ops.conftest import closed_port_url, metric_value
from tests.servers import active, completed, failed, queued


def scrape(client) -> str:
    response = client.get("/metrics")
    assert response.status_code == 200
    return str(response.content.decode())


def value(text: str, name: str, **labels: str) -> float:
    return metric_value(text, name, **labels) or 0.0


@pytest.mark.django_db(transaction=True)
def test_each_emitted_event_counts_by_stage_and_status_and_the_end_times_the_job(
    admin_client, emit_all
):
    job = JobFactory()
    before = scrape(admin_client)
    emit_all(job, [queued(), active(Stage.INITIALIZING, 5), active(Stage.EXTRACTING_TEXT, 30)])
    # A run of two hours: a duration no other test's job has.
    Job.objects.filter(id=job.id).update(started_at=timezone.now() - timedelta(hours=2))
    emit_all(job, [completed()])
    after = scrape(admin_client)

    for stage, status in [
        ("queued", "queued"),
        ("initializing", "active"),
        ("extracting_text", "active"),
        ("completed", "completed"),
    ]:
        grown = value(after, "job_events_total", stage=stage, status=status) - value(
            before, "job_events_total", stage=stage, status=status
        )
        assert grown >= 1, (stage, status)
    labels = {"status": "completed", "cache_hit": "false"}
    assert (
        value(after, "job_duration_seconds_count", **labels)
        - value(before, "job_duration_seconds_count", **labels)
        >= 1
    )
    assert (
        value(after, "job_duration_seconds_sum", **labels)
        - value(before, "job_duration_seconds_sum", **labels)
        >= 2 * 3600
    )
    assert value(after, "job_duration_seconds_bucket", le="+Inf", **labels) > value(
        before, "job_duration_seconds_bucket", le="+Inf", **labels
    )


@pytest.mark.django_db(transaction=True)
def test_a_failed_job_is_timed_under_its_own_status(admin_client, emit_all):
    job = JobFactory()
    labels = {"status": "failed", "cache_hit": "false"}
    before = value(scrape(admin_client), "job_duration_seconds_count", **labels)
    emit_all(job, [queued(), active(Stage.INITIALIZING, 5), failed(ErrorCode.PDF_INVALID, 5)])
    assert value(scrape(admin_client), "job_duration_seconds_count", **labels) >= before + 1


@pytest.mark.django_db
def test_jobs_by_status_are_counted_from_the_database_at_scrape_time(admin_client):
    JobFactory.create_batch(3, status="queued")
    JobFactory(status="active")
    JobFactory.create_batch(2, status="failed")
    text = scrape(admin_client)
    assert value(text, "jobs", status="queued") == 3
    assert value(text, "jobs", status="active") == 1
    assert value(text, "jobs", status="failed") == 2
    assert value(text, "jobs", status="completed") == 0


@pytest.mark.django_db
def test_queue_depth_is_read_from_the_broker_for_each_queue(admin_client):
    text = scrape(admin_client)
    for queue in ("pdf", "ai", "default"):
        assert metric_value(text, "queue_depth", queue=queue) is not None


def test_a_queue_depth_is_the_number_of_messages_waiting_in_it():
    name = f"ops-test-{uuid.uuid4().hex[:8]}"
    with celery_app.connection_for_write() as connection, connection.SimpleQueue(name) as queue:
        try:
            for number in range(3):
                queue.put({"task": number})
            assert queue_depths((name,)) == {name: 3}
            queue.get(timeout=5).ack()
            assert queue_depths((name,)) == {name: 2}
        finally:
            queue.clear()


@pytest.mark.django_db
def test_without_the_broker_the_scrape_still_answers_without_queue_depth(admin_client, monkeypatch):
    monkeypatch.setitem(celery_app.conf, "broker_url", closed_port_url())
    text = scrape(admin_client)
    assert metric_value(text, "queue_depth", queue="pdf") is None
    assert metric_value(text, "jobs", status="queued") == 0
