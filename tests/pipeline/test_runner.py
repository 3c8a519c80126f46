"""How a step's failures end up: a coded failed event, a quiet stop, or a retry of the task."""

import pytest
from django.db import OperationalError

from jobs.errors import JobCancelled
from jobs.models import JobEvent
from jobs.pipeline.runner import run_step
from jobs.pipeline.steps import Next
from jobs.tasks.pdf import prepare_document
from tests.pipeline.conftest import upload

pytestmark = pytest.mark.usefixtures("no_enqueue")


@pytest.fixture
def queued_job(user, corpus):
    return upload(user, corpus / "minimal-document.pdf").job


def test_an_unexpected_exception_fails_the_job_with_a_generic_recoverable_error(queued_job):
    def broken(**_):
        raise KeyError("internal detail that must not reach the user")

    assert run_step(broken, job_id=str(queued_job.id), attempt=1) is Next.DONE
    queued_job.refresh_from_db()
    assert (queued_job.status, queued_job.error_code, queued_job.recoverable) == (
        "failed",
        "INTERNAL_ERROR",
        True,
    )
    assert "internal detail" not in queued_job.error_message


def test_a_cancelled_attempt_stops_without_an_event(queued_job):
    def cancelled(**_):
        raise JobCancelled(str(queued_job.id))

    assert run_step(cancelled, job_id=str(queued_job.id), attempt=1) is Next.DONE
    assert JobEvent.objects.filter(job=queued_job).count() == 1


def test_an_unreachable_database_is_left_to_the_task_to_retry(queued_job):
    def database_down(**_):
        raise OperationalError("connection refused")

    with pytest.raises(OperationalError):
        run_step(database_down, job_id=str(queued_job.id), attempt=1)
    queued_job.refresh_from_db()
    assert queued_job.status == "queued"
    assert OperationalError in prepare_document.autoretry_for
