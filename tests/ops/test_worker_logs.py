"""A real worker logs JSON lines; what a task logs carries its job, and no document text."""

import json
import time
from pathlib import Path
from typing import Any

import pytest

from documents.models import DocumentText
from tests.pipeline.conftest import upload
from tests.servers import running_celery_worker, wait_for_terminal

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def lines_once_ready(log_path: Path) -> list[str]:
    """The worker's log from its `ready.` line on (before it: Celery's startup banner)."""
    lines = log_path.read_text().splitlines()
    ready = next(i for i, line in enumerate(lines) if line.startswith("{") and ' ready."' in line)
    return lines[ready:]


def wait_for_line(log_path: Path, text: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while text not in log_path.read_text():
        assert time.monotonic() < deadline, f"the worker never logged {text!r}"
        time.sleep(0.1)


def test_a_worker_logs_json_with_the_job_context_and_never_the_document_text(
    tmp_path, monkeypatch, user, corpus
):
    monkeypatch.setenv("LOG_LEVEL", "INFO")
    log_path = tmp_path / "celery-worker.log"
    with running_celery_worker(tmp_path):
        job = wait_for_terminal(upload(user, corpus / "pdflatex-4-pages.pdf").job)
        assert job.status == "completed"
        wait_for_line(log_path, "jobs.tasks.housekeeping.finish_job[")
        wait_for_line(log_path, "succeeded in", timeout=5)
        lines = lines_once_ready(log_path)

    records: list[dict[str, Any]] = [json.loads(line) for line in lines]  # each line is JSON

    task_lines = [r for r in records if r.get("task") == "jobs.tasks.pdf.prepare_document"]
    assert task_lines, "the lines a task logs name it"
    assert all((r["job_id"], r["attempt"]) == (str(job.id), 1) for r in task_lines)
    events = [r for r in records if r["message"] == "job event"]
    assert {r["stage"] for r in events} >= {"extracting_text", "generating_notes", "completed"}
    assert all(r["job_id"] == str(job.id) and r["user_id"] == str(user.pk) for r in events)
    assert [r["seq"] for r in events] == sorted(r["seq"] for r in events)

    text = "\n".join(lines)
    pages = DocumentText.objects.get(document=job.document).pages
    passages = [line.strip() for page in pages for line in page.splitlines()]
    passages = [passage for passage in passages if len(passage) >= 30]
    assert passages, "the document has text to look for"
    assert not [passage for passage in passages if passage in text]
