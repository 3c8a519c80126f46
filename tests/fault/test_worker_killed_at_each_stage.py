"""A worker SIGKILLed at each stage in turn: the job still ends exactly once."""

import time
from pathlib import Path

import pytest

from jobs.events import Stage
from jobs.models import JobEvent
from notes.models import Note
from tests.e2e.test_pipeline_worker import assert_log_is_consistent
from tests.pipeline.conftest import upload
from tests.servers import ACTIVE_STAGES, running_celery_worker, wait_for_terminal

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

MISS_PATH = [*ACTIVE_STAGES, Stage.COMPLETED]


@pytest.fixture
def killing_worker(tmp_path):
    markers = tmp_path / "kills"
    markers.mkdir()
    with running_celery_worker(tmp_path, app="tests.fault.killing_app", KILL_MARKERS=str(markers)):
        yield markers


def killed_after(markers: Path) -> list[str]:
    """The stages after which the worker killed itself, waiting briefly for the last marker:
    the job is seen completed as soon as its event commits, just before the worker touches it."""
    deadline = time.monotonic() + 10
    while len(list(markers.iterdir())) < len(MISS_PATH) and time.monotonic() < deadline:
        time.sleep(0.05)
    return sorted(path.name.split("-", 5)[-1] for path in markers.iterdir())


def test_a_job_killed_after_every_stage_completes_once_with_one_note(user, corpus, killing_worker):
    job = wait_for_terminal(upload(user, corpus / "pdflatex-4-pages.pdf").job, timeout=120)

    assert killed_after(killing_worker) == sorted(stage.value for stage in MISS_PATH)
    assert job.status == "completed"
    assert Note.objects.filter(job=job).count() == 1
    assert_log_is_consistent(job)
    stages = list(JobEvent.objects.filter(job=job).order_by("seq").values_list("stage", flat=True))
    assert [stage for stage in dict.fromkeys(stages)] == ["queued", *MISS_PATH]
