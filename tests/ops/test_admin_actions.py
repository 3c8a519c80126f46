"""The admin's retry, cancel and requeue actions go through the job services, so each one
leaves its events in the log, and each job's outcome is reported, refusals with their reason."""

import pytest
from django.contrib.messages import get_messages

from jobs.events import ErrorCode, Stage
from jobs.models import Job, JobEvent
from tests.factories import JobFactory
from tests.servers import active, completed, failed, queued

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/jobs/job/"


def run_action(client, action: str, *jobs: Job) -> list[str]:
    response = client.post(
        CHANGELIST,
        {"action": action, "_selected_action": [str(job.id) for job in jobs]},
        follow=True,
    )
    assert response.status_code == 200
    return [str(message) for message in get_messages(response.wsgi_request)]


def statuses_in_log(job: Job) -> list[tuple[int, str]]:
    return list(JobEvent.objects.filter(job=job).order_by("seq").values_list("attempt", "status"))


@pytest.fixture
def failed_job(emit_all) -> Job:
    job = JobFactory()
    emit_all(job, [queued(), active(Stage.INITIALIZING, 5), failed(ErrorCode.PDF_INVALID, 5)])
    return job


@pytest.fixture
def active_job(emit_all) -> Job:
    job = JobFactory()
    emit_all(job, [queued(), active(Stage.EXTRACTING_TEXT, 40)])
    return job


@pytest.fixture
def completed_job(emit_all) -> Job:
    job = JobFactory()
    emit_all(job, [queued(), active(Stage.INITIALIZING, 5), completed()])
    return job


def test_retry_starts_a_new_attempt_of_a_failed_job(admin_client_for_ops, failed_job):
    [message] = run_action(admin_client_for_ops, "retry_jobs", failed_job)
    failed_job.refresh_from_db()
    assert (failed_job.status, failed_job.attempt) == ("queued", 2)
    assert statuses_in_log(failed_job)[-1] == (2, "queued")
    assert message == f"Job {failed_job.id}: retried; now queued, attempt 2."


def test_cancel_stops_an_active_job(admin_client_for_ops, active_job):
    [message] = run_action(admin_client_for_ops, "cancel_jobs", active_job)
    active_job.refresh_from_db()
    assert active_job.status == "cancelled"
    assert statuses_in_log(active_job)[-1] == (1, "cancelled")
    assert JobEvent.objects.get(job=active_job, status="cancelled").message == "Cancelled by staff"
    assert message.startswith(f"Job {active_job.id}: cancelled")


def test_requeue_moves_an_active_job_to_its_next_attempt_through_stalled(
    admin_client_for_ops, active_job
):
    [message] = run_action(admin_client_for_ops, "requeue_stalled_jobs", active_job)
    active_job.refresh_from_db()
    assert (active_job.status, active_job.attempt) == ("queued", 2)
    assert statuses_in_log(active_job)[-2:] == [(1, "stalled"), (2, "queued")]
    assert message == f"Job {active_job.id}: requeued; now queued, attempt 2."


def test_requeue_also_rescues_a_queued_job_whose_task_was_lost(admin_client_for_ops, emit_all):
    job = JobFactory()
    emit_all(job, [queued()])
    run_action(admin_client_for_ops, "requeue_stalled_jobs", job)
    job.refresh_from_db()
    assert (job.status, job.attempt) == ("queued", 2)
    assert statuses_in_log(job) == [(1, "queued"), (1, "stalled"), (2, "queued")]


def test_requeue_on_the_last_attempt_fails_the_job_as_stalled(
    admin_client_for_ops, active_job, settings
):
    settings.JOB_MAX_ATTEMPTS = 1
    run_action(admin_client_for_ops, "requeue_stalled_jobs", active_job)
    active_job.refresh_from_db()
    assert (active_job.status, active_job.error_code) == ("failed", "JOB_STALLED")


def test_each_job_gets_its_own_outcome_and_refusals_are_named(
    admin_client_for_ops, active_job, completed_job
):
    messages = run_action(admin_client_for_ops, "cancel_jobs", active_job, completed_job)
    assert sorted(messages) == sorted(
        [
            f"Job {active_job.id}: cancelled; now cancelled, attempt 1.",
            f"Job {completed_job.id}: not cancelled: The job has already completed. "
            "(not_cancellable)",
        ]
    )
    completed_job.refresh_from_db()
    assert completed_job.status == "completed"


def test_retrying_an_active_job_is_refused_and_changes_nothing(admin_client_for_ops, active_job):
    events_before = statuses_in_log(active_job)
    [message] = run_action(admin_client_for_ops, "retry_jobs", active_job)
    assert "not retried" in message
    assert "(not_retryable)" in message
    assert statuses_in_log(active_job) == events_before


def test_requeueing_a_job_that_is_not_active_is_refused(admin_client_for_ops, completed_job):
    [message] = run_action(admin_client_for_ops, "requeue_stalled_jobs", completed_job)
    assert message == (
        f"Job {completed_job.id}: not requeued: Only queued or active jobs can be requeued; "
        "this one is completed. (not_requeueable)"
    )
    completed_job.refresh_from_db()
    assert completed_job.status == "completed"


def test_staff_who_may_only_view_jobs_get_no_actions(client, active_job):
    from django.contrib.auth.models import Permission

    from tests.factories import UserFactory

    viewer = UserFactory(is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_job"))
    client.force_login(viewer)
    response = client.get(CHANGELIST)
    assert response.status_code == 200
    assert "retry_jobs" not in response.content.decode()
    run_action(client, "cancel_jobs", active_job)
    active_job.refresh_from_db()
    assert active_job.status == "active"
