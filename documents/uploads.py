"""Checks on an uploaded file before anything is stored (no Django here)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import PurePosixPath, PureWindowsPath

from documents.extraction import looks_like_pdf


@dataclass(frozen=True)
class UploadRejected(Exception):
    """A bad upload: `status` is the HTTP answer, `code` the machine-readable reason."""

    status: int
    code: str
    message: str


# Room for the multipart framing around the file in a request's declared length.
MULTIPART_OVERHEAD = 64 * 1024


def _too_large(max_bytes: int) -> UploadRejected:
    return UploadRejected(
        413, "file_too_large", f"The file is larger than {max_bytes / (1024 * 1024):g} MB."
    )


def check_request_size(*, content_length: int, max_bytes: int) -> None:
    """Refuse an oversize upload by its declared length, before its body is read."""
    if content_length > max_bytes + MULTIPART_OVERHEAD:
        raise _too_large(max_bytes)


def check_upload(*, size: int, head: bytes, max_bytes: int) -> None:
    if size == 0:
        raise UploadRejected(400, "empty_file", "The file is empty.")
    if size > max_bytes:
        raise _too_large(max_bytes)
    if not looks_like_pdf(head):
        raise UploadRejected(415, "not_a_pdf", "The file is not a PDF.")


_UNSAFE = re.compile(r"[^\w\s.\-()\[\]+,&']", re.UNICODE)


def sanitize_file_name(raw: str, *, fallback: str = "document.pdf") -> str:
    """A display name: no path parts, no control characters, bounded length, ends in .pdf.

    Stored files are named by id; this name is only ever shown.
    """
    name = PureWindowsPath(PurePosixPath(raw or "").name).name
    name = unicodedata.normalize("NFC", name)
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = _UNSAFE.sub("_", name).strip(" .")
    if not name:
        return fallback
    stem, dot, extension = name.rpartition(".")
    if not dot or extension.lower() != "pdf":
        stem, extension = name, "pdf"
    return f"{stem[:200]}.{extension}"
