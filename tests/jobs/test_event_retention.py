"""The event log is kept for EVENT_RETENTION, then pruned by a periodic task."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from config.celery import app as celery_app
from jobs.models import JobEvent
from jobs.services import job_events_prune
from jobs.tasks.housekeeping import prune_job_events
from tests.servers import emit_one, pipeline

PRUNE_TASK = "jobs.tasks.housekeeping.prune_job_events"


def emit_aged(job, ages):
    """One event per age (oldest first), each backdated by that age."""
    now = timezone.now()
    for draft, age in zip(pipeline(len(ages)), ages, strict=True):
        event = emit_one(job.id, draft)
        JobEvent.objects.filter(job=job, seq=event.seq).update(created_at=now - age)


def kept_seqs(job):
    return list(JobEvent.objects.filter(job=job).order_by("seq").values_list("seq", flat=True))


def test_pruning_deletes_the_events_older_than_the_retention_period_only(job, settings):
    settings.EVENT_RETENTION = timedelta(days=7)
    emit_aged(job, [timedelta(days=30), timedelta(days=7, hours=1), timedelta(days=6), timedelta()])
    assert job_events_prune() == 2
    assert kept_seqs(job) == [3, 4]


def test_pruning_leaves_the_job_and_its_cursors_as_they_were(job, settings):
    settings.EVENT_RETENTION = timedelta(days=1)
    emit_aged(job, [timedelta(days=3), timedelta(days=2)])
    job_events_prune()
    job.refresh_from_db()
    assert (job.status, job.last_seq, kept_seqs(job)) == ("completed", 2, [])


def test_the_prune_task_runs_the_prune(job, settings):
    settings.EVENT_RETENTION = timedelta(days=1)
    emit_aged(job, [timedelta(days=2), timedelta()])
    assert prune_job_events() == 1
    assert kept_seqs(job) == [2]


def test_the_prune_task_is_in_the_beat_schedule():
    schedules = {entry["task"]: entry for entry in celery_app.conf.beat_schedule.values()}
    assert PRUNE_TASK in schedules
    assert PRUNE_TASK in celery_app.tasks
    assert 0 < float(schedules[PRUNE_TASK]["schedule"]) <= 24 * 3600


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_prunes_old_events_when_the_task_is_sent(job, celery_worker, tmp_path):
    emit_aged(job, [timedelta(days=365), timedelta()])
    prune_job_events.delay()
    deadline = time.monotonic() + 30
    while kept_seqs(job) != [2] and time.monotonic() < deadline:
        time.sleep(0.1)  # the worker's effect is only visible in the database
    worker_log = (tmp_path / "celery-worker.log").read_text(errors="replace")
    assert kept_seqs(job) == [2], worker_log[-3000:]
