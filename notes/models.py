from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.auth.models import User
from django.db import models

from documents.models import Document
from jobs.models import Job


class NoteQuerySet(models.QuerySet["Note"]):
    def for_user(self, user: User) -> NoteQuerySet:
        return self if user.is_staff else self.filter(owner=user)


class Note(models.Model):
    """Study notes and a quiz; one per job, so a redelivered task cannot make a second."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notes"
    )
    job = models.OneToOneField(Job, on_delete=models.CASCADE, related_name="note")
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="notes")
    title = models.CharField(max_length=300)
    content = models.JSONField(help_text="Summary, sections with points, key terms.")
    quiz = models.JSONField(help_text="Questions with choices, answer and explanation.")
    generator = models.CharField(max_length=32)
    generator_version = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = NoteQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["owner", "-created_at"], name="note_owner_created")]

    def __str__(self) -> str:
        return self.title


class NotesCacheEntry(models.Model):
    """Generated content by PDF hash and generator, so the same bytes complete on the fast path."""

    content_hash = models.CharField(max_length=64)
    generator = models.CharField(max_length=32)
    generator_version = models.CharField(max_length=64)
    title = models.CharField(max_length=300)
    content = models.JSONField()
    quiz = models.JSONField()
    page_count = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["content_hash", "generator", "generator_version"],
                name="notes_cache_unique_key",
            )
        ]
        verbose_name_plural = "notes cache entries"

    def __str__(self) -> str:
        return f"{self.generator}/{self.generator_version} {self.content_hash[:12]}"
