"""PDF bytes in, clean text per page out, within limits of size, pages and time."""

from __future__ import annotations

from dataclasses import dataclass

from pypdf import PageObject, PdfReader

from documents.extraction import parallel
from documents.extraction.budget import BudgetExceeded, Deadline, time_budget
from documents.extraction.cleaning import clean_page
from documents.extraction.content import fast_text_operations
from documents.extraction.fonts import fonts_cached
from documents.extraction.quality import text_quality
from documents.extraction.reader import (
    INVALID_MESSAGE,
    TOO_LARGE_MESSAGE,
    open_pdf,
    reading_pdf,
)
from jobs.errors import JobError
from jobs.events import ErrorCode
from notes.generation.types import ProgressCallback

PDF_SIGNATURE = b"%PDF-"
SIGNATURE_WINDOW = 1024  # readers accept the signature anywhere in the first kilobyte

NO_TEXT_MESSAGE = (
    "This PDF has no text we can read: it seems to be a scan or a picture, or it uses fonts "
    "whose text cannot be extracted. Upload a text-based PDF (for example one exported from a "
    "word processor), or run text recognition (OCR) on it first."
)


@dataclass(frozen=True)
class ExtractionLimits:
    max_pages: int = 500
    time_budget_seconds: float = 120.0  # for the whole document
    max_page_chars: int = 200_000  # a page's text is cut beyond this


@dataclass(frozen=True)
class ExtractedText:
    pages: list[str]  # one cleaned text per page
    page_count: int

    @property
    def char_count(self) -> int:
        return sum(len(page) for page in self.pages)


def looks_like_pdf(head: bytes) -> bool:
    return PDF_SIGNATURE in head[:SIGNATURE_WINDOW]


def extract_text(
    data: bytes, *, limits: ExtractionLimits, on_page: ProgressCallback | None = None
) -> ExtractedText:
    """The text of each page, or a `JobError` with a PDF_* code.

    `on_page(done, total)` is called as pages are read (after each page, or after each range
    of pages read in a worker process); `JobCancelled` raised there propagates.

    A long document is read in worker processes (`parallel.py`), with the same text, errors,
    time budget and memory bound per process as reading it page by page here.
    """
    if not looks_like_pdf(data[:SIGNATURE_WINDOW]):
        raise JobError(ErrorCode.PDF_INVALID, INVALID_MESSAGE)
    try:
        with time_budget(limits.time_budget_seconds) as deadline, fonts_cached():
            pages = _read_pages(data, limits=limits, deadline=deadline, on_page=on_page)
    except BudgetExceeded:
        raise JobError(ErrorCode.PDF_TIMEOUT, _timeout_message(limits)) from None
    if not text_quality("\n".join(raw for raw, _ in pages)).is_readable:
        raise JobError(ErrorCode.PDF_NO_TEXT, NO_TEXT_MESSAGE)
    return ExtractedText(pages=[clean for _, clean in pages], page_count=len(pages))


Page = tuple[str, str]  # the raw text (cut at the limit) and the cleaned text of a page


def _read_pages(
    data: bytes,
    *,
    limits: ExtractionLimits,
    deadline: Deadline,
    on_page: ProgressCallback | None,
) -> list[Page]:
    reader = open_pdf(data)
    total = len(reader.pages)
    if total > limits.max_pages:
        raise JobError(
            ErrorCode.PDF_TOO_MANY_PAGES,
            f"This PDF has {total} pages; the limit is {limits.max_pages}. "
            "Split it into smaller files and upload them one by one.",
        )

    def read_page(index: int) -> Page:
        with reading_pdf():
            raw = _page_text(reader, reader.pages[index])[: limits.max_page_chars]
        return raw, clean_page(raw, max_chars=limits.max_page_chars)

    pages: list[Page | None] = [None] * total
    progress = _Progress(pages, on_page, deadline)
    processes = parallel.process_count(total)
    if processes > 1:
        try:
            parallel.read_in_workers(
                read_page,
                pages,
                processes=processes,
                deadline=deadline,
                on_progress=progress.report,
            )
        except MemoryError:  # the workers' pages do not fit in this process
            raise JobError(ErrorCode.PDF_TOO_LARGE, TOO_LARGE_MESSAGE) from None
    # Page by page in this process: a short document, or what the workers left.
    for index in range(total):
        if pages[index] is None:
            deadline.check()
            pages[index] = read_page(index)
            progress.report()
    return [page for page in pages if page is not None]


class _Progress:
    """Calls `on_page(done, total)` when the pages read from the first on grow."""

    def __init__(
        self, pages: list[Page | None], on_page: ProgressCallback | None, deadline: Deadline
    ) -> None:
        self.pages = pages
        self.on_page = on_page
        self.deadline = deadline
        self.done = 0

    def report(self) -> None:
        done = self.done
        while done < len(self.pages) and self.pages[done] is not None:
            done += 1
        if done == self.done:
            return
        self.done = done
        if self.on_page is not None:
            with self.deadline.shielded():
                self.on_page(done, len(self.pages))


def _page_text(reader: PdfReader, page: PageObject) -> str:
    # Plain mode follows the content stream, which keeps the columns of a LaTeX two-column
    # paper in reading order; layout mode would interleave them line by line.
    with fast_text_operations(reader, page):
        return page.extract_text(extraction_mode="plain")


def _timeout_message(limits: ExtractionLimits) -> str:
    return (
        f"Reading the text of this PDF took longer than {limits.time_budget_seconds:g} seconds, "
        "the limit. Try a smaller or simpler file."
    )
