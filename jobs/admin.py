"""Jobs in the admin: the ops console. Actions go through the same services as the API."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from django.contrib import admin, messages
from django.contrib.auth.models import User
from django.db.models import DurationField, ExpressionWrapper, F, QuerySet
from django.http import HttpRequest

from jobs.models import Job, JobEvent
from jobs.services import (
    REAPED_STATUSES,
    JobActionRefused,
    job_cancel,
    job_requeue_stalled,
    job_retry,
)


class JobEventInline(admin.TabularInline[JobEvent, Job]):
    """The job's event timeline, read-only, in `seq` order."""

    model = JobEvent
    verbose_name = "event"
    verbose_name_plural = "event timeline"
    fields = (
        "seq",
        "attempt",
        "status",
        "stage",
        "progress",
        "message",
        "error_code",
        "created_at",
    )
    readonly_fields = fields
    ordering = ("seq",)
    extra = 0
    can_delete = False

    @admin.display(description="error")
    def error_code(self, event: JobEvent) -> str:
        return str(event.error["code"]) if event.error else ""

    def has_add_permission(self, request: HttpRequest, obj: Job | None = None) -> bool:
        return False

    def has_change_permission(
        self, request: HttpRequest, obj: Job | JobEvent | None = None
    ) -> bool:
        return False


@admin.register(Job)
class JobAdmin(admin.ModelAdmin[Job]):
    list_display = (
        "id",
        "status",
        "stage",
        "progress",
        "cache_hit",
        "attempt",
        "duration",
        "owner",
        "file_name",
        "created_at",
    )
    list_filter = ("status", "stage", "cache_hit", "error_code", "created_at")
    search_fields = ("id", "owner__username", "document__original_name")
    list_select_related = ("owner", "document")
    fieldsets = (
        (None, {"fields": ("id", "owner", "document", "status", "stage", "progress", "message")}),
        (
            "Outcome",
            {"fields": ("error_code", "error_message", "recoverable", "cache_hit", "result")},
        ),
        (
            "Times",
            {"fields": ("created_at", "started_at", "finished_at", "last_event_at", "duration")},
        ),
        ("Internals", {"fields": ("attempt", "last_seq", "celery_task_id", "metadata")}),
    )
    readonly_fields = [field.name for field in Job._meta.fields] + ["duration"]
    inlines = [JobEventInline]
    actions = ["retry_jobs", "cancel_jobs", "requeue_stalled_jobs"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Job]:
        return (
            super()
            .get_queryset(request)
            .annotate(
                run_time=ExpressionWrapper(
                    F("finished_at") - F("started_at"), output_field=DurationField()
                )
            )
        )

    @admin.display(description="duration", ordering="run_time")
    def duration(self, job: Job) -> str:
        run_time: timedelta | None = getattr(job, "run_time", None)
        if run_time is None and job.started_at and job.finished_at:
            run_time = job.finished_at - job.started_at
        return f"{run_time.total_seconds():.1f} s" if run_time is not None else "-"

    @admin.display(description="file name", ordering="document__original_name")
    def file_name(self, job: Job) -> str:
        return job.document.original_name

    # The page is the job's record: read-only. "change" still gates the actions below.
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Job | None = None) -> bool:
        return obj is None and super().has_change_permission(request)

    @admin.action(description="Retry the selected jobs", permissions=["change"])
    def retry_jobs(self, request: HttpRequest, queryset: QuerySet[Job]) -> None:
        self._apply(request, queryset, "retried", lambda job, by: job_retry(job=job, by=by))

    @admin.action(description="Cancel the selected jobs", permissions=["change"])
    def cancel_jobs(self, request: HttpRequest, queryset: QuerySet[Job]) -> None:
        self._apply(request, queryset, "cancelled", lambda job, by: job_cancel(job=job, by=by))

    @admin.action(description="Requeue the selected stalled jobs", permissions=["change"])
    def requeue_stalled_jobs(self, request: HttpRequest, queryset: QuerySet[Job]) -> None:
        self._apply(request, queryset, "requeued", _requeue_stalled)

    def _apply(
        self,
        request: HttpRequest,
        queryset: QuerySet[Job],
        done: str,
        action: Callable[[Job, User], Job],
    ) -> None:
        """Run `action` on each job and report each outcome, refusals with their reason."""
        assert isinstance(request.user, User)
        for job in queryset.select_related("document"):
            try:
                after = action(job, request.user)
            except JobActionRefused as refusal:
                self.message_user(
                    request,
                    f"Job {job.id}: not {done}: {refusal.message} ({refusal.code})",
                    messages.WARNING,
                )
            else:
                self.message_user(
                    request,
                    f"Job {job.id}: {done}; now {after.status}, attempt {after.attempt}.",
                    messages.SUCCESS,
                )


def _requeue_stalled(job: Job, _by: User) -> Job:
    """Requeue a queued or active job now (the reaper waits JOB_STALLED_AFTER; ops need not)."""
    after = job_requeue_stalled(job_id=str(job.id))
    if after.last_seq == job.last_seq:
        statuses = " or ".join(REAPED_STATUSES)
        raise JobActionRefused(
            "not_requeueable", f"Only {statuses} jobs can be requeued; this one is {after.status}."
        )
    return after
