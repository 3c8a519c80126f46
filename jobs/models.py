from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.auth.models import User
from django.db import models

from documents.models import Document
from jobs.events import ErrorCode, Stage, Status

STATUS_CHOICES = [(status.value, status.value.capitalize()) for status in Status]
STAGE_CHOICES = [(stage.value, stage.label) for stage in Stage]
ERROR_CODE_CHOICES = [(code.value, code.value) for code in ErrorCode]
TERMINAL_STATUS_VALUES = [Status.COMPLETED, Status.FAILED, Status.CANCELLED]


class JobQuerySet(models.QuerySet["Job"]):
    def for_user(self, user: User) -> JobQuerySet:
        return self if user.is_staff else self.filter(owner=user)

    def owned_by(self, user: User) -> JobQuerySet:
        return self.filter(owner=user)

    def unfinished(self) -> JobQuerySet:
        return self.exclude(status__in=TERMINAL_STATUS_VALUES)


class Job(models.Model):
    """One run of the pipeline over one document. Only `jobs.emitter` writes its state."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="jobs"
    )
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="jobs")
    status = models.CharField(max_length=16, choices=STATUS_CHOICES, default=Status.QUEUED)
    stage = models.CharField(max_length=24, choices=STAGE_CHOICES, default=Stage.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    message = models.CharField(max_length=500, blank=True)
    metadata = models.JSONField(default=dict, blank=True)
    attempt = models.PositiveIntegerField(default=1)
    last_seq = models.PositiveIntegerField(default=0)
    error_code = models.CharField(max_length=32, choices=ERROR_CODE_CHOICES, blank=True)
    error_message = models.CharField(max_length=500, blank=True)
    recoverable = models.BooleanField(default=False)
    cache_hit = models.BooleanField(default=False)
    result = models.JSONField(null=True, blank=True)
    celery_task_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    last_event_at = models.DateTimeField(null=True, blank=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["owner", "status"], name="job_owner_status"),
            models.Index(fields=["owner", "-created_at"], name="job_owner_created"),
            models.Index(fields=["status", "last_event_at"], name="job_status_last_event"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="job_progress_le_100"
            ),
        ]

    def __str__(self) -> str:
        return f"Job {self.id} ({self.status}/{self.stage})"

    @property
    def is_terminal(self) -> bool:
        return Status(self.status).is_terminal


class UserEventStream(models.Model):
    """Per-user counter behind `user_seq`; its row is the lock that keeps the stream gapless."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    last_user_seq = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"Event stream of user {self.user_id} at {self.last_user_seq}"


class JobEvent(models.Model):
    """The durable event log: the truth that replay, gap filling and polling read."""

    id = models.BigAutoField(primary_key=True)
    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="events")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    document_id = models.UUIDField()
    seq = models.PositiveIntegerField()
    user_seq = models.PositiveBigIntegerField()
    attempt = models.PositiveIntegerField()
    status = models.CharField(max_length=16, choices=STATUS_CHOICES)
    stage = models.CharField(max_length=24, choices=STAGE_CHOICES)
    progress = models.PositiveSmallIntegerField()
    message = models.CharField(max_length=500, blank=True)
    metadata = models.JSONField(default=dict, blank=True)
    result = models.JSONField(null=True, blank=True)
    error = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["job", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["job", "seq"], name="job_event_unique_seq"),
            models.UniqueConstraint(fields=["user", "user_seq"], name="job_event_unique_user_seq"),
        ]
        indexes = [models.Index(fields=["created_at"], name="job_event_created")]

    def __str__(self) -> str:
        return f"{self.job_id}#{self.seq} {self.status}/{self.stage}"
