"""Emitters in several OS processes at once keep `seq` and `user_seq` unique and gapless."""

import pytest
from django.db import connection

from jobs.emitter import emit
from jobs.events import Stage
from jobs.models import Job, JobEvent, UserEventStream
from tests.factories import JobFactory
from tests.servers import active, emit_from_other_processes, queued

PROCESSES = 3
JOBS = 3
EVENTS_PER_JOB_PER_PROCESS = 20


@pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="SQLite runs one writer at a time, so there is no row locking to test; "
    "this runs on PostgreSQL (DATABASE_URL=postgres://...), as CI does",
)
@pytest.mark.django_db(transaction=True)
def test_concurrent_emitters_number_every_job_and_the_user_stream_without_gaps(user):
    jobs = [JobFactory.create(owner=user) for _ in range(JOBS)]
    for job in jobs:
        emit(job.id, queued())
    # Every process emits for every job, interleaved, so they contend for the job rows and for
    # the one user stream row. Equal progress in one stage is a valid repeat.
    plan = [
        (job.id, active(Stage.EXTRACTING_TEXT, 10))
        for _ in range(EVENTS_PER_JOB_PER_PROCESS)
        for job in jobs
    ]
    emit_from_other_processes([plan] * PROCESSES)

    per_job = 1 + PROCESSES * EVENTS_PER_JOB_PER_PROCESS
    total = JOBS * per_job
    for job in jobs:
        seqs = list(JobEvent.objects.filter(job=job).order_by("seq").values_list("seq", flat=True))
        assert seqs == list(range(1, per_job + 1))
        assert Job.objects.get(id=job.id).last_seq == per_job
    events = JobEvent.objects.filter(user=user).order_by("user_seq")
    assert list(events.values_list("user_seq", flat=True)) == list(range(1, total + 1))
    assert UserEventStream.objects.get(user=user).last_user_seq == total
    # In commit order: numbered under the lock, so user_seq order is time order.
    times = list(events.values_list("created_at", flat=True))
    assert times == sorted(times)
