"""The pipeline's three steps, one per queue. Each takes ids, re-reads state and is idempotent.

prepare (pdf):    initializing -> downloading -> checking_cache -> [hit: saving -> completed]
                  -> extracting_text
generate (ai):    generating_notes -> generating_quiz -> saving
finish (default): caching -> completed
"""

from __future__ import annotations

import hashlib
import time
from enum import Enum
from uuid import UUID

from django.conf import settings

from documents.extraction import ExtractionLimits, extract_text
from documents.models import Document, DocumentText
from jobs.errors import JobError
from jobs.events import ErrorCode, Stage
from jobs.models import Job
from jobs.pipeline.reporter import StageReporter
from notes.generation.types import SourceDocument
from notes.models import Note
from notes.services import (
    note_save,
    note_save_from_cache,
    notes_cache_lookup,
    notes_cache_store,
    notes_generator,
)

# Where each stage sits on the job's 0..100 progress bar.
EXTRACT_FROM, EXTRACT_TO = 10, 40
NOTES_FROM, NOTES_TO = 40, 70
QUIZ_FROM, QUIZ_TO = 70, 90


class Next(Enum):
    GENERATE = "generate"
    FINISH = "finish"
    DONE = "done"


def _load(job_id: str, attempt: int) -> Job | None:
    """The job if this attempt is still the live one."""
    job = Job.objects.select_related("document").get(id=job_id)
    if job.is_terminal or job.attempt != attempt:
        return None
    return job


def _scale(done: int, total: int, low: int, high: int) -> int:
    return low + (high - low) * done // max(total, 1)


def job_prepare(*, job_id: str, attempt: int) -> Next:
    job = _load(job_id, attempt)
    if job is None:
        return Next.DONE
    document = job.document
    report = StageReporter(job, attempt)
    report.enter(Stage.INITIALIZING, 2, "Starting", file_name=document.original_name)
    report.enter(Stage.DOWNLOADING, 5, "Reading the file", file_size=document.size)
    with document.file.open("rb") as stored:
        data = stored.read()
    if hashlib.sha256(data).hexdigest() != document.sha256:
        raise JobError(
            ErrorCode.INTERNAL_ERROR, "The stored file is damaged. Please upload it again."
        )

    report.enter(Stage.CHECKING_CACHE, 8, "Checking for earlier notes of this file")
    generator = notes_generator()
    cached = notes_cache_lookup(content_hash=document.sha256, generator=generator)
    if cached is not None and not Note.objects.filter(job=job).exists():
        report.enter(Stage.SAVING, 90, "Saving notes made earlier from this file", cache_hit=True)
        note = note_save_from_cache(job=job, entry=cached)
        if document.page_count is None:
            document.page_count = cached.page_count
            document.save(update_fields=["page_count"])
        report.complete(note_id=note.id, title=note.title, cache_hit=True)
        return Next.DONE

    if not DocumentText.objects.filter(document=document).exists():
        _extract(report, document.id, data)
    return Next.GENERATE


def _extract(report: StageReporter, document_id: UUID, data: bytes) -> None:
    """Text page by page, stored with the page count so a retry does not extract again."""
    report.enter(Stage.EXTRACTING_TEXT, EXTRACT_FROM, "Extracting text", cache_hit=False)
    started = time.monotonic()

    def on_page(done: int, total: int) -> None:
        per_page = (time.monotonic() - started) / max(done, 1)
        report.advance(
            _scale(done, total, EXTRACT_FROM, EXTRACT_TO),
            f"Extracting text (page {done} of {total})",
            page_count=total,
            pages_done=done,
            estimated_time_remaining_ms=int(per_page * (total - done) * 1000),
        )

    limits = ExtractionLimits(
        max_pages=settings.PDF_MAX_PAGES, time_budget_seconds=settings.PDF_TIME_BUDGET_SECONDS
    )
    extracted = extract_text(data, limits=limits, on_page=on_page)
    DocumentText.objects.update_or_create(
        document_id=document_id, defaults={"pages": extracted.pages}
    )
    Document.objects.filter(id=document_id).update(page_count=extracted.page_count)


def job_generate(*, job_id: str, attempt: int) -> Next:
    job = _load(job_id, attempt)
    if job is None:
        return Next.DONE
    if Note.objects.filter(job=job).exists():
        return Next.FINISH
    report = StageReporter(job, attempt)
    generator = notes_generator()
    pages = DocumentText.objects.values_list("pages", flat=True).get(document=job.document)
    source = SourceDocument(file_name=job.document.original_name, pages=pages)

    report.enter(Stage.GENERATING_NOTES, NOTES_FROM, "Writing notes", generator=generator.name)
    notes = generator.generate_notes(
        source,
        on_progress=lambda done, total: report.advance(
            _scale(done, total, NOTES_FROM, NOTES_TO),
            "Writing notes",
            chunks_done=done,
            chunks_total=total,
        ),
    )
    report.enter(Stage.GENERATING_QUIZ, QUIZ_FROM, "Writing the quiz")
    quiz = generator.generate_quiz(
        source,
        notes,
        on_progress=lambda done, total: report.advance(
            _scale(done, total, QUIZ_FROM, QUIZ_TO), "Writing the quiz"
        ),
    )
    report.check_cancelled()
    report.enter(Stage.SAVING, 92, "Saving notes")
    note_save(job=job, notes=notes, quiz=quiz, generator=generator.name, version=generator.version)
    return Next.FINISH


def job_finish(*, job_id: str, attempt: int) -> Next:
    job = _load(job_id, attempt)
    if job is None:
        return Next.DONE
    note = Note.objects.get(job=job)
    report = StageReporter(job, attempt)
    report.enter(Stage.SAVING, 92, "Saving notes")
    report.enter(Stage.CACHING, 96, "Caching notes for the next upload of this file")
    notes_cache_store(
        note=note, content_hash=job.document.sha256, page_count=job.document.page_count or 0
    )
    report.complete(note_id=note.id, title=note.title, cache_hit=False)
    return Next.DONE
