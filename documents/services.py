"""The operations of the documents app: upload (store, hash, start a job or join one)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from documents.models import Document
from documents.uploads import check_upload, sanitize_file_name
from jobs.models import Job
from jobs.services import job_create

CHUNK = 1024 * 1024


@dataclass(frozen=True)
class UploadResult:
    document: Document
    job: Job
    created: bool  # False: the same bytes were already being processed; that job came back


def _sha256(upload: UploadedFile) -> str:
    digest = hashlib.sha256()
    for chunk in upload.chunks(CHUNK):
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def document_upload(*, owner: User, upload: UploadedFile) -> UploadResult:
    """Validate and store one PDF and start its job; raises `UploadRejected` on bad input.

    The same user sending the same bytes while a job for them still runs gets that job back.
    """
    upload.seek(0)
    head = upload.read(1024)
    upload.seek(0)
    check_upload(size=upload.size or 0, head=head, max_bytes=settings.UPLOAD_MAX_BYTES)
    sha256 = _sha256(upload)

    with transaction.atomic():
        # One upload at a time per user from here on, so that the same bytes sent twice at
        # once find each other's job. NO KEY: rows that refer to the user (events) can still
        # be written meanwhile.
        User.objects.select_for_update(no_key=True).get(pk=owner.pk)
        running = (
            Job.objects.owned_by(owner)
            .unfinished()
            .filter(document__sha256=sha256)
            .select_related("document")
            .first()
        )
        if running is not None:
            return UploadResult(document=running.document, job=running, created=False)
        document = Document(
            owner=owner,
            original_name=sanitize_file_name(upload.name or ""),
            size=upload.size or 0,
            sha256=sha256,
        )
        document.file.save("upload.pdf", upload, save=False)
        document.save()
        job = job_create(document=document)
    return UploadResult(document=document, job=job, created=True)
