from django.contrib import admin

from jobs.models import Job, JobEvent


class JobEventInline(admin.TabularInline[JobEvent, Job]):
    model = JobEvent
    fields = ("seq", "attempt", "status", "stage", "progress", "message", "error", "created_at")
    readonly_fields = fields
    ordering = ("seq",)
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Job)
class JobAdmin(admin.ModelAdmin[Job]):
    list_display = (
        "id",
        "owner",
        "status",
        "stage",
        "progress",
        "attempt",
        "cache_hit",
        "created_at",
    )
    list_filter = ("status", "stage", "cache_hit", "error_code")
    search_fields = ("id", "owner__username", "document__original_name")
    readonly_fields = [field.name for field in Job._meta.fields]
    inlines = [JobEventInline]
