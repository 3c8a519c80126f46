"""Permission-checked fetch helpers for documents (the API's only way to get one)."""

from __future__ import annotations

from uuid import UUID

from django.contrib.auth.models import User

from documents.models import Document
from jobs.models import Job


def get_document_for_user(user: User, document_id: UUID | str) -> Document:
    """The document if `user` may see it (owner or staff); `Document.DoesNotExist` otherwise,
    the same for one that does not exist, so that existence does not leak."""
    try:
        document_uuid = UUID(str(document_id))
    except ValueError:
        raise Document.DoesNotExist from None
    return Document.objects.for_user(user).get(id=document_uuid)


def get_latest_job_for_user(user: User, document_id: UUID | str) -> Job:
    """The newest job of a document `user` may see; `Document.DoesNotExist` as above, or
    `Job.DoesNotExist` when the document has no job."""
    document = get_document_for_user(user, document_id)
    job = Job.objects.filter(document=document).order_by("-created_at", "-id").first()
    if job is None:
        raise Job.DoesNotExist
    job.document = document
    return job
