"""PDF -> text, with no Django: pypdf under limits of size, pages and time, and a check that
the text is worth making notes from. Failures are `JobError`s with PDF_* codes."""

from documents.extraction.quality import TextQuality, text_quality
from documents.extraction.reader import open_pdf
from documents.extraction.text import (
    ExtractedText,
    ExtractionLimits,
    extract_text,
    looks_like_pdf,
)

__all__ = [
    "ExtractedText",
    "ExtractionLimits",
    "TextQuality",
    "extract_text",
    "looks_like_pdf",
    "open_pdf",
    "text_quality",
]
