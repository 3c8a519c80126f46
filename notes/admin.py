from django.contrib import admin

from notes.models import Note, NotesCacheEntry


@admin.register(Note)
class NoteAdmin(admin.ModelAdmin[Note]):
    list_display = ("title", "owner", "generator", "generator_version", "created_at")
    search_fields = ("id", "title", "owner__username")
    readonly_fields = (
        "id",
        "owner",
        "job",
        "document",
        "generator",
        "generator_version",
        "created_at",
    )


@admin.register(NotesCacheEntry)
class NotesCacheEntryAdmin(admin.ModelAdmin[NotesCacheEntry]):
    list_display = ("content_hash", "generator", "generator_version", "title", "created_at")
    search_fields = ("content_hash", "title")
