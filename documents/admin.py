"""Documents in the admin: read-only records (the text itself is never shown)."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest
from django.template.defaultfilters import filesizeformat

from documents.models import Document


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin[Document]):
    list_display = ("original_name", "owner", "size_display", "page_count", "created_at")
    list_filter = ("created_at",)
    search_fields = ("id", "original_name", "owner__username", "sha256")
    list_select_related = ("owner",)
    readonly_fields = (
        "id",
        "owner",
        "original_name",
        "file",
        "size",
        "sha256",
        "page_count",
        "created_at",
    )

    @admin.display(description="size", ordering="size")
    def size_display(self, document: Document) -> str:
        return filesizeformat(document.size)

    # Documents come from uploads, which hash, check and start a job; not from this form.
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Document | None = None) -> bool:
        return False
