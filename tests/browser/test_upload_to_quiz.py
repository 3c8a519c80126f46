"""Sign in, upload a PDF, watch its stages, open the notes and take the quiz."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from jobs.models import JobEvent
from notes.models import Note
from tests.browser.conftest import JOB_TIMEOUT_MS, applied, expect_live, screenshot
from tests.servers import ACTIVE_STAGES

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

PIPELINE_STAGES = [*ACTIVE_STAGES, "completed"]


def test_an_uploaded_pdf_becomes_notes_with_a_quiz_to_take(
    signed_in_page: Page, corpus, celery_worker
):
    page = signed_in_page
    page.goto("/upload/")
    expect_live(page)

    page.get_by_label("or choose files").set_input_files(corpus / "pdflatex-4-pages.pdf")

    card = page.locator(".job-card", has_text="pdflatex-4-pages.pdf")
    expect(card.locator(".job-stage")).to_have_text("Done", timeout=JOB_TIMEOUT_MS)
    expect(card.get_by_role("progressbar")).to_have_attribute("aria-valuenow", "100")
    job_id = card.get_attribute("data-job-id")
    assert job_id is not None
    seen = applied(page, job_id)
    # Every stage was shown, in pipeline order, from the events after the upload's answer.
    assert [stage for stage in PIPELINE_STAGES if stage in seen["stages"]] == PIPELINE_STAGES
    logged = list(JobEvent.objects.filter(job_id=job_id).values_list("seq", flat=True))
    assert seen["seqs"] == logged[1:]  # the queued event came with the upload's answer
    screenshot(page, "upload.png")

    card.get_by_role("link", name="Open the notes of pdflatex-4-pages.pdf").click()
    note = Note.objects.get(job_id=job_id)
    expect(page.get_by_role("heading", level=1)).to_have_text(note.title)
    expect(page.get_by_role("heading", name="Summary")).to_be_visible()
    expect(page.get_by_role("link", name="Download as Markdown")).to_have_attribute(
        "href", f"/api/notes/{note.id}/export/"
    )

    questions = note.quiz["questions"]
    assert questions, "the local generator writes a quiz"
    for number in range(1, len(questions) + 1):
        page.locator(f"#q{number}-0").check()
    page.get_by_role("button", name="Check my answers").click()

    right = sum(1 for question in questions if question["answer_index"] == 0)
    expect(page.locator("#quiz-score")).to_have_text(f"You got {right} of {len(questions)} right.")
    expect(page.locator("#quiz-score")).to_be_focused()
    first = page.locator("#q1-feedback")
    expect(first).to_be_visible()
    expect(first).to_contain_text(questions[0]["explanation"])
    expect(first).to_contain_text(re.compile(r"^(Right\.|Not quite\.)"))
    screenshot(page, "note.png")
    screenshot(page, "quiz.png", selector=".quiz")

    page.get_by_role("button", name="Try again").click()
    expect(page.locator("#quiz-score")).to_have_text("")
    expect(page.locator("#q1-0")).not_to_be_checked()
