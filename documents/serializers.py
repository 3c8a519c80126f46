"""Document shapes for the REST API."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from documents.models import Document
from jobs.serializers import JobSerializer, TimestampField


class DocumentSerializer(serializers.ModelSerializer[Document]):
    file_name = serializers.CharField(
        source="original_name", read_only=True, help_text="Sanitised; for display only."
    )
    created_at = TimestampField(read_only=True)

    class Meta:
        model = Document
        fields = ["id", "file_name", "size", "sha256", "page_count", "created_at"]
        read_only_fields = fields


@extend_schema_field(OpenApiTypes.BINARY)
class UploadedFileField(serializers.FileField):
    """A file part of a multipart request (binary in the schema)."""


class DocumentUploadSerializer(serializers.Serializer[Any]):
    # Empty files pass here so that the upload service refuses them with its own code.
    file = UploadedFileField(
        allow_empty_file=True, use_url=False, help_text="One PDF (checked by its bytes)."
    )


class UploadAnswerSerializer(serializers.Serializer[Any]):
    document = DocumentSerializer()
    job = JobSerializer(help_text="The job processing the document, as `GET /api/jobs/<id>/`.")
