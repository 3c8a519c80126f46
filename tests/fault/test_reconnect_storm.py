"""A reconnect storm: 200 clients (50 users x 4) that each drop their connection every 0.3-3 s
and come back with their cursor while 50 jobs run through a real worker. Every client ends
with exactly its user's events: none lost, none twice, in order.

bench/bench_load.py (BENCH_STORM=1) runs the same storm for its figures; this is its test.
"""

from __future__ import annotations

import random
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.authtoken.models import Token

from documents.services import document_upload
from jobs.models import Job, JobEvent
from tests.factories import UserFactory
from tests.ops.stream_client import StreamClient
from tests.pdfs import pdf_with_pages
from tests.servers import running_celery_worker, running_daphne

USERS = 50
CLIENTS_PER_USER = 4
DROP_EVERY_SECONDS = (0.3, 3.0)
JOBS_TIMEOUT_SECONDS = 240

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.slow,
    pytest.mark.timeout(JOBS_TIMEOUT_SECONDS + 60),
]


def test_200_clients_reconnecting_at_random_during_50_jobs_lose_nothing_and_get_nothing_twice(
    tmp_path,
):
    rng = random.Random(20261123)  # the same storm every run
    users = UserFactory.create_batch(USERS)
    tokens = {user.id: Token.objects.create(user=user).key for user in users}
    clients = {
        user.id: [StreamClient(tokens[user.id]) for _ in range(CLIENTS_PER_USER)] for user in users
    }
    everyone = [client for group in clients.values() for client in group]
    with running_celery_worker(tmp_path), running_daphne(tmp_path) as server:
        for client in everyone:
            client.connect(server.ws_url)
        jobs = [
            document_upload(
                owner=user,
                upload=SimpleUploadedFile(
                    f"lecture-{n}.pdf",
                    pdf_with_pages([f"Lecture {n} of the storm.", *["Words to read."] * 40]),
                ),
            ).job
            for n, user in enumerate(users)
        ]
        drop_at = {
            client: time.monotonic() + rng.uniform(*DROP_EVERY_SECONDS) for client in everyone
        }
        running = Job.objects.filter(id__in=[job.id for job in jobs]).unfinished()
        reconnects = 0
        deadline = time.monotonic() + JOBS_TIMEOUT_SECONDS
        while running.exists():
            assert time.monotonic() < deadline, f"{running.count()} jobs still running"
            for client in everyone:
                if time.monotonic() >= drop_at[client]:
                    client.close()
                    assert client.closed.wait(10), "the connection did not close"
                    client.connect(server.ws_url)  # after its cursor: it replays what it missed
                    reconnects += 1
                    drop_at[client] = time.monotonic() + rng.uniform(*DROP_EVERY_SECONDS)
            time.sleep(0.05)

        logs = {
            user.id: [
                (str(e.job_id), e.seq, e.user_seq, e.status)
                for e in JobEvent.objects.filter(user=user).order_by("user_seq")
            ]
            for user in users
        }
        for user in users:
            for client in clients[user.id]:
                client.wait_for_events(len(logs[user.id]), timeout=30)
        for client in everyone:
            client.close()

    assert reconnects >= len(everyone), "every client dropped at least once"
    assert {job.status for job in Job.objects.filter(id__in=[job.id for job in jobs])} == {
        "completed"
    }
    for user in users:
        for client in clients[user.id]:
            received = [(e["job_id"], e["seq"], e["user_seq"], e["status"]) for e in client.events]
            assert received == logs[user.id], "every event of the user's job, once, in order"
