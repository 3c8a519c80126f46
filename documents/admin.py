from django.contrib import admin

from documents.models import Document


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin[Document]):
    list_display = ("original_name", "owner", "size", "page_count", "created_at")
    search_fields = ("id", "original_name", "owner__username", "sha256")
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
