"""PDF bytes in, clean text per page out, within limits of size, pages and time."""

from __future__ import annotations

from dataclasses import dataclass

from pypdf import PageObject, PdfReader

from documents.extraction.budget import BudgetExceeded, Deadline, time_budget
from documents.extraction.cleaning import clean_page
from documents.extraction.content import fast_text_operations
from documents.extraction.quality import text_quality
from documents.extraction.reader import INVALID_MESSAGE, open_pdf, reading_pdf
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

    `on_page(done, total)` is called after each page; `JobCancelled` raised there propagates.
    """
    if not looks_like_pdf(data[:SIGNATURE_WINDOW]):
        raise JobError(ErrorCode.PDF_INVALID, INVALID_MESSAGE)
    try:
        with time_budget(limits.time_budget_seconds) as deadline:
            raw_pages = _read_pages(data, limits=limits, deadline=deadline, on_page=on_page)
    except BudgetExceeded:
        raise JobError(ErrorCode.PDF_TIMEOUT, _timeout_message(limits)) from None
    if not text_quality("\n".join(raw_pages)).is_readable:
        raise JobError(ErrorCode.PDF_NO_TEXT, NO_TEXT_MESSAGE)
    pages = [clean_page(page, max_chars=limits.max_page_chars) for page in raw_pages]
    return ExtractedText(pages=pages, page_count=len(pages))


def _read_pages(
    data: bytes,
    *,
    limits: ExtractionLimits,
    deadline: Deadline,
    on_page: ProgressCallback | None,
) -> list[str]:
    reader = open_pdf(data)
    total = len(reader.pages)
    if total > limits.max_pages:
        raise JobError(
            ErrorCode.PDF_TOO_MANY_PAGES,
            f"This PDF has {total} pages; the limit is {limits.max_pages}. "
            "Split it into smaller files and upload them one by one.",
        )
    pages: list[str] = []
    for index in range(total):
        deadline.check()
        with reading_pdf():
            pages.append(_page_text(reader, reader.pages[index])[: limits.max_page_chars])
        if on_page is not None:
            with deadline.shielded():
                on_page(index + 1, total)
    return pages


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
