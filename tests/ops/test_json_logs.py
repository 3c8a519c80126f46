"""Logs are JSON lines that carry the job context, one line per web request, and no secrets."""

import logging

import pytest
from asgiref.sync import iscoroutinefunction
from django.http import HttpResponse

from config.json_logging import call_context, log_context
from jobs.events import Stage
from ops.logging_filters import redact
from ops.middleware import RequestLogMiddleware
from tests.factories import JobFactory
from tests.servers import active, queued

logger = logging.getLogger("tests.ops")


def test_every_line_is_one_json_object_with_time_level_logger_and_message(log_lines):
    logger.warning("disk %s%% full", 91)
    [record] = log_lines.records()
    assert record["level"] == "warning"
    assert record["logger"] == "tests.ops"
    assert record["message"] == "disk 91% full"
    assert record["time"].endswith("+00:00")


def test_the_context_passed_with_a_line_is_in_it(log_lines):
    logger.info("step done", extra={"job_id": "j-1", "stage": "saving", "seq": 7, "attempt": 2})
    [record] = log_lines.records()
    assert {k: record[k] for k in ("job_id", "stage", "seq", "attempt")} == {
        "job_id": "j-1",
        "stage": "saving",
        "seq": 7,
        "attempt": 2,
    }


def test_a_bound_context_is_in_every_line_of_its_block_only(log_lines):
    with log_context(job_id="j-2", attempt=1):
        logger.info("inside")
    logger.info("outside")
    inside, outside = log_lines.records()
    assert (inside["job_id"], inside["attempt"]) == ("j-2", 1)
    assert "job_id" not in outside


def test_a_task_call_binds_its_job_and_attempt():
    def prepare_document(job_id: str, attempt: int) -> None: ...

    assert call_context(prepare_document, ("j-3", 2), {}) == {"job_id": "j-3", "attempt": 2}
    assert call_context(prepare_document, (), None) == {}


@pytest.mark.django_db(transaction=True)
def test_each_emitted_event_is_logged_with_its_job_user_stage_seq_and_attempt(log_lines, emit_all):
    job = JobFactory()
    emit_all(job, [queued(), active(Stage.DOWNLOADING, 3)])
    lines = log_lines.with_message("job event")
    assert [(line["stage"], line["seq"]) for line in lines] == [("queued", 1), ("downloading", 2)]
    for line in lines:
        assert line["job_id"] == str(job.id)
        assert line["user_id"] == str(job.owner_id)
        assert line["attempt"] == 1


@pytest.mark.django_db
def test_each_web_request_is_one_line_with_method_path_status_duration_and_user(
    log_lines, admin_client_for_ops, admin_user
):
    admin_client_for_ops.get("/admin/jobs/job/?q=secret-search")
    [line] = [r for r in log_lines.records() if r["logger"] == "ops.requests"]
    assert line["method"] == "GET"
    assert line["path"] == "/admin/jobs/job/"
    assert line["status_code"] == 200
    assert line["duration_ms"] >= 0
    assert line["user_id"] == str(admin_user.pk)
    assert "secret-search" not in log_lines.text, "query strings can carry tokens"


@pytest.mark.django_db
def test_successful_probes_stay_out_of_the_info_log(log_lines, client):
    client.get("/healthz")
    assert [r for r in log_lines.records() if r["logger"] == "ops.requests"] == []


def test_configured_secrets_are_redacted(log_lines, settings):
    settings.SECRET_KEY = "s3cr3t-key-value-1234567890"
    settings.ANTHROPIC_API_KEY = "sk-ant-api03-abcdefghijklmnop"
    settings.METRICS_TOKEN = "metrics-token-0123456789"
    logger.info(
        "settings: %s %s %s",
        settings.SECRET_KEY,
        settings.ANTHROPIC_API_KEY,
        settings.METRICS_TOKEN,
    )
    text = log_lines.text
    for secret in ("s3cr3t-key-value", "sk-ant-api03", "metrics-token-0123"):
        assert secret not in text
    assert text.count("[redacted]") == 3


@pytest.mark.parametrize(
    ("message", "kept"),
    [
        ("connecting to redis://:hunter2pass@redis.internal:6379/0", "redis.internal:6379/0"),
        ("db postgres://app:hunter2pass@db:5432/notes down", "postgres://app:"),
        ("Authorization: Bearer hunter2pass0123456789", "Authorization: Bearer"),
        ("header Token 9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b", "header Token"),
        ('{"password": "hunter2pass", "user": "ada"}', '"user": "ada"'),
        ("api_key=hunter2pass&x=1", "&x=1"),
        ("key sk-ant-api03-hunter2pass-abc", "key "),
    ],
)
def test_secrets_in_common_shapes_are_redacted(message, kept):
    redacted = redact(message)
    assert "hunter2pass" not in redacted
    assert "9944b09199c62bcf" not in redacted
    assert kept in redacted
    assert "[redacted]" in redacted


def test_ordinary_words_are_left_alone():
    text = "token authentication failed for user ada; the password form was shown"
    assert redact(text) == text


def test_secrets_in_a_traceback_are_redacted(log_lines):
    try:
        raise ConnectionError("cannot reach redis://:hunter2pass@10.0.0.5:6379/0")
    except ConnectionError:
        logger.exception("publish failed")
    [record] = log_lines.records()
    assert "ConnectionError" in record["exception"]
    assert "hunter2pass" not in log_lines.text


@pytest.mark.django_db(transaction=True)
async def test_async_views_are_logged_by_a_middleware_that_holds_no_thread(log_lines, async_client):
    async def view(request):
        return HttpResponse()

    # Natively async: an async view (long polling) waits without holding a thread.
    assert iscoroutinefunction(RequestLogMiddleware(view))
    response = await async_client.get("/api/events/", {"after": 0})
    [line] = [r for r in log_lines.records() if r["logger"] == "ops.requests"]
    assert (line["path"], line["status_code"]) == ("/api/events/", response.status_code)
