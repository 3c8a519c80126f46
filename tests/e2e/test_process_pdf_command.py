"""`manage.py process_pdf` submits a file and follows it live through a real worker."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from jobs.events import Stage
from jobs.management.commands.process_pdf import progress_line
from tests.servers import celery_worker  # noqa: F401 (a fixture)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("celery_worker")]


def test_a_good_pdf_shows_every_stage_and_ends_with_the_note(user, corpus):
    out = StringIO()
    call_command(
        "process_pdf", str(corpus / "pdflatex-4-pages.pdf"), user=user.username, stdout=out
    )
    lines = out.getvalue().splitlines()
    shown = [stage.label for stage in Stage if any(stage.label in line for line in lines)]
    assert shown[0] == Stage.QUEUED.label
    assert Stage.EXTRACTING_TEXT.label in shown
    assert lines[-2].startswith("Notes ready: ")
    assert "100%" in "\n".join(lines)


def test_an_encrypted_pdf_exits_non_zero_with_its_error_code(user, corpus):
    with pytest.raises(CommandError, match="PDF_ENCRYPTED") as failure:
        call_command(
            "process_pdf",
            str(corpus / "libreoffice-writer-password.pdf"),
            user=user.username,
            stdout=StringIO(),
        )
    assert failure.value.returncode == 2


def test_a_missing_file_is_refused_before_anything_is_stored(user, tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        call_command("process_pdf", str(tmp_path / "nope.pdf"), user=user.username)


def test_the_progress_line_names_the_stage_once():
    event = {"progress": 40, "stage": "extracting_text", "message": "Extracting text (page 3 of 9)"}
    assert progress_line(event).endswith(" 40%  Extracting text (page 3 of 9)")
    event = {"progress": 8, "stage": "checking_cache", "message": "Looking"}
    assert progress_line(event).endswith("  8%  Checking for earlier notes: Looking")
