from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.auth.models import User
from django.db import models


def document_upload_path(document: Document, _filename: str) -> str:
    """Stored files are named by id, never by what the uploader called them."""
    return f"documents/{document.owner_id}/{document.id}.pdf"


class DocumentQuerySet(models.QuerySet["Document"]):
    def for_user(self, user: User) -> DocumentQuerySet:
        return self if user.is_staff else self.filter(owner=user)


class Document(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="documents"
    )
    original_name = models.CharField(max_length=255, help_text="Sanitised; display only.")
    file = models.FileField(upload_to=document_upload_path, max_length=255)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    page_count = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["owner", "sha256"], name="document_owner_sha256")]

    def __str__(self) -> str:
        return self.original_name


class DocumentText(models.Model):
    """The extracted text, one entry per page; kept apart so listing documents stays light."""

    document = models.OneToOneField(
        Document, on_delete=models.CASCADE, primary_key=True, related_name="extracted"
    )
    pages = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Text of {self.document_id}"
