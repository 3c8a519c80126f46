"""PostgreSQL out of reach for a few seconds mid-job: the failure is reported, the task retries,
nothing is half-written, and the job completes once."""

import time

import pytest
from django.db import connection

from jobs.models import JobEvent
from notes.models import Note
from tests.e2e.test_pipeline_worker import assert_log_is_consistent
from tests.fault.tcp_proxy import TcpProxy
from tests.pipeline.conftest import upload
from tests.servers import database_url_of_this_run, running_celery_worker, wait_for_terminal

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

OUTAGE_SECONDS = 4


@pytest.fixture
def database_behind_proxy():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite is a file in the worker's process: there is no server to lose")
    host, port = connection.settings_dict["HOST"] or "127.0.0.1", connection.settings_dict["PORT"]
    with TcpProxy((host, int(port or 5432))) as proxy:
        yield proxy


def test_a_job_survives_the_database_going_away_for_a_few_seconds(
    user, corpus, tmp_path, database_behind_proxy
):
    proxy = database_behind_proxy
    direct = database_url_of_this_run()
    through_proxy = direct.replace(
        f":{connection.settings_dict['PORT'] or 5432}/", f":{proxy.port}/", 1
    )
    with running_celery_worker(tmp_path, DATABASE_URL=through_proxy) as worker:
        job = upload(user, corpus / "GeoTopo-komprimiert.pdf").job
        deadline = time.monotonic() + 30
        while not JobEvent.objects.filter(job=job, stage="extracting_text").exists():
            assert time.monotonic() < deadline, "extraction never started"
            time.sleep(0.01)
        proxy.cut()
        time.sleep(OUTAGE_SECONDS)
        proxy.restore()
        job = wait_for_terminal(job, timeout=120)

    assert job.status == "completed"
    assert Note.objects.filter(job=job).count() == 1
    assert_log_is_consistent(job)
    assert "database unavailable; the task will retry" in worker.log_path.read_text()
