"""Two daphne processes and two Celery workers on one machine, as in production behind a load
balancer: a client on either daphne gets every event of every job, whichever worker ran it;
stopping a daphne drops only its own clients, which reconnect to the other and replay what
they missed, without loss or duplicates; and the metrics of the host add up across them."""

import json
from contextlib import ExitStack
from pathlib import Path

import pytest
from rest_framework.authtoken.models import Token

from jobs.models import JobEvent
from tests.ops.conftest import metric_value, scrape_server
from tests.ops.stream_client import StreamClient
from tests.pipeline.conftest import upload
from tests.servers import running_celery_worker, running_daphne, wait_for_terminal

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

FIRST_WAVE = ["pdflatex-4-pages.pdf", "multicolumn.pdf", "google-doc-document.pdf"]
SECOND_WAVE = ["minimal-document.pdf", "grayscale-image.pdf"]  # the second fails: no text
METRICS_TOKEN = "metrics-token-many-processes-0123"


def logged_tasks(log_path: Path) -> list[str]:
    """The tasks a worker says it received (its JSON log lines)."""
    records = [json.loads(line) for line in log_path.read_text().splitlines() if line[:1] == "{"]
    return [r["message"] for r in records if r["logger"] == "celery.worker.strategy"]


def test_clients_on_two_daphnes_get_every_event_from_two_workers_across_a_daphne_stop(
    tmp_path, monkeypatch, user, corpus
):
    # This host's processes, and only they, share a metrics folder: the counts are exact.
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path / "prometheus"))
    monkeypatch.setenv("METRICS_TOKEN", METRICS_TOKEN)
    (tmp_path / "prometheus").mkdir()
    token = Token.objects.create(user=user).key
    worker_logs = []
    with ExitStack() as processes:
        for name in ("worker-1", "worker-2"):
            (tmp_path / name).mkdir()
            processes.enter_context(running_celery_worker(tmp_path / name))
            worker_logs.append(tmp_path / name / "celery-worker.log")
        leaving_stack = ExitStack()
        leaving = leaving_stack.enter_context(running_daphne(tmp_path))
        staying = processes.enter_context(running_daphne(tmp_path))
        processes.enter_context(leaving_stack)

        on_staying, on_leaving = StreamClient(token), StreamClient(token)
        on_staying.connect(staying.ws_url)
        on_leaving.connect(leaving.ws_url)

        first_jobs = [upload(user, corpus / name).job for name in FIRST_WAVE]
        on_leaving.wait_for_events(len(FIRST_WAVE) + 2)
        leaving_stack.close()  # the first daphne stops while the jobs run
        assert on_leaving.closed.wait(20), "its clients are dropped"
        assert not on_staying.closed.is_set(), "the other daphne's clients are not"
        for job in first_jobs:
            wait_for_terminal(job, timeout=90)

        on_leaving.connect(staying.ws_url)  # reconnects to the other, after its cursor
        second_jobs = [upload(user, corpus / name).job for name in SECOND_WAVE]
        for job in second_jobs:
            wait_for_terminal(job, timeout=90)

        log = list(JobEvent.objects.filter(user=user).order_by("user_seq"))
        for client in (on_staying, on_leaving):
            client.wait_for_events(len(log))
        metrics = scrape_server(staying.url, METRICS_TOKEN)
        on_staying.close()
        on_leaving.close()

    expected = [(str(e.job_id), e.seq, e.user_seq, e.status) for e in log]
    for client in (on_staying, on_leaving):
        received = [(e["job_id"], e["seq"], e["user_seq"], e["status"]) for e in client.events]
        assert received == expected, "every event, once, in order"
    assert [s["replayed"] for s in on_leaving.subscriptions][1] > 0, "it replayed what it missed"
    assert all(s["recovered"] for s in on_leaving.subscriptions)
    assert {e.status for e in log} >= {"completed", "failed"}

    for worker_log in worker_logs:
        assert logged_tasks(worker_log), f"both workers ran tasks: {worker_log.name} ran none"

    # The workers emitted every event but the queued ones (this test process emitted those).
    for event in {(e.stage, e.status) for e in log if e.status != "queued"}:
        stage, status = event
        count = sum(1 for e in log if (e.stage, e.status) == event)
        assert metric_value(metrics, "job_events_total", stage=stage, status=status) == count
    completed = sum(1 for job in first_jobs + second_jobs if job.status == "completed")
    assert (
        metric_value(metrics, "job_duration_seconds_count", status="completed", cache_hit="false")
        == completed
    )
