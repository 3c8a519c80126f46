"""Opening a PDF with pypdf under explicit limits, and pypdf's failures as coded job errors."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from io import BytesIO

from pypdf import Configuration, PasswordType, PdfReader, apply_configuration
from pypdf.errors import DependencyError, FileNotDecryptedError, LimitReachedError

from jobs.errors import JobCancelled, JobError
from jobs.events import ErrorCode

_MAX_DECODED_STREAM_BYTES = 50_000_000

# pypdf's defaults allow 75 MB per decoded stream and 300 MB of decoding work per stream; text
# needs far less (the 117-page lecture's largest page is 0.5 MB), and a worker's memory is
# shared by the jobs it runs. Images are never decoded for text, nor JBIG2 handed to jbig2dec.
PYPDF_LIMITS = Configuration(
    maximum_declared_stream_length=_MAX_DECODED_STREAM_BYTES,
    array_based_stream_maximum_output_length=_MAX_DECODED_STREAM_BYTES,
    zlib_maximum_output_length=_MAX_DECODED_STREAM_BYTES,
    lzw_maximum_output_length=_MAX_DECODED_STREAM_BYTES,
    run_length_maximum_output_length=_MAX_DECODED_STREAM_BYTES,
    brotli_maximum_output_length=_MAX_DECODED_STREAM_BYTES,
    jbig2_maximum_output_length=_MAX_DECODED_STREAM_BYTES,
    image_maximum_buffer_size=_MAX_DECODED_STREAM_BYTES,
    stream_decoding_work_maximum_length=2 * _MAX_DECODED_STREAM_BYTES,
    # Recovering a damaged zlib stream decompresses it byte by byte: keep that short.
    zlib_maximum_recovery_input_length=1_000_000,
    jbig2dec_binary=None,
)

# LimitReachedError is raised both for oversized data and for malformed structure (a page tree
# too deep, a cycle); only the former comes from these modules.
_DECODING_MODULES = frozenset({"pypdf.filters", "pypdf.generic._image_xobject"})

INVALID_MESSAGE = (
    "This file is damaged or is not a valid PDF, so its text cannot be read. "
    "Try saving or exporting it as PDF again."
)
ENCRYPTED_MESSAGE = (
    "This PDF is password-protected. Remove the password (for example by saving an unprotected "
    "copy) and upload it again."
)
TOO_LARGE_MESSAGE = (
    "This PDF is too large to process: its contents expand to more data than we can read "
    "safely. Try a smaller file."
)


def open_pdf(data: bytes) -> PdfReader:
    """A reader for `data`, decrypted and with its page tree loaded, or a `JobError`.

    Only the opening runs under our limits: read further inside `reading_pdf()`, or call
    `documents.extraction.extract_text`, which does.
    """
    with reading_pdf():
        reader = PdfReader(BytesIO(data))
        if reader.is_encrypted:
            _decrypt_with_empty_password(reader)
        len(reader.pages)  # loads the page tree, where broken and hostile files fail
        return reader


def _decrypt_with_empty_password(reader: PdfReader) -> None:
    """Many encrypted PDFs only restrict printing or copying and open without a password."""
    try:
        decrypted = reader.decrypt("") != PasswordType.NOT_DECRYPTED
    except (NotImplementedError, DependencyError) as unsupported:  # an unknown algorithm
        raise JobError(ErrorCode.PDF_ENCRYPTED, ENCRYPTED_MESSAGE) from unsupported
    if not decrypted:
        raise JobError(ErrorCode.PDF_ENCRYPTED, ENCRYPTED_MESSAGE)


@contextmanager
def reading_pdf() -> Iterator[None]:
    """pypdf under our limits, with its failures turned into job errors."""
    try:
        with apply_configuration(PYPDF_LIMITS):
            yield
    except (JobError, JobCancelled):
        raise
    except Exception as failure:  # pypdf raises far more than its own error types on bad input
        raise _job_error_for(failure) from failure


def _job_error_for(failure: Exception) -> JobError:
    if isinstance(failure, MemoryError) or (
        isinstance(failure, LimitReachedError) and _raised_while_decoding(failure)
    ):
        return JobError(ErrorCode.PDF_TOO_LARGE, TOO_LARGE_MESSAGE)
    if isinstance(failure, FileNotDecryptedError):
        return JobError(ErrorCode.PDF_ENCRYPTED, ENCRYPTED_MESSAGE)
    return JobError(ErrorCode.PDF_INVALID, INVALID_MESSAGE)


def _raised_while_decoding(failure: LimitReachedError) -> bool:
    traceback = failure.__traceback__
    while traceback is not None and traceback.tb_next is not None:
        traceback = traceback.tb_next
    return traceback is not None and traceback.tb_frame.f_globals["__name__"] in _DECODING_MODULES
