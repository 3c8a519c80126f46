"""Notes and the notes cache in the admin: read-only records."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from notes.models import Note, NotesCacheEntry


@admin.register(Note)
class NoteAdmin(admin.ModelAdmin[Note]):
    list_display = ("title", "owner", "generator", "generator_version", "job", "created_at")
    list_filter = ("generator", "created_at")
    search_fields = ("id", "title", "owner__username", "job__id")
    list_select_related = ("owner", "job")
    readonly_fields = (
        "id",
        "owner",
        "job",
        "document",
        "title",
        "content",
        "quiz",
        "generator",
        "generator_version",
        "created_at",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Note | None = None) -> bool:
        return False


@admin.register(NotesCacheEntry)
class NotesCacheEntryAdmin(admin.ModelAdmin[NotesCacheEntry]):
    list_display = ("content_hash", "generator", "generator_version", "title", "created_at")
    list_filter = ("generator", "created_at")
    search_fields = ("content_hash", "title")
    readonly_fields = (
        "content_hash",
        "generator",
        "generator_version",
        "title",
        "content",
        "quiz",
        "page_count",
        "created_at",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(
        self, request: HttpRequest, obj: NotesCacheEntry | None = None
    ) -> bool:
        return False
