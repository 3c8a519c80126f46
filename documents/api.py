"""REST API views for documents: upload (starts a job), list, detail, status."""

from __future__ import annotations

from uuid import UUID

from django.conf import settings
from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import generics, status
from rest_framework.exceptions import NotFound
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import BaseThrottle, ScopedRateThrottle
from rest_framework.views import APIView

from config.api_auth import request_user
from config.api_errors import NO_SUCH_PAGE, error_responses
from documents.access import get_document_for_user, get_latest_job_for_user
from documents.models import Document
from documents.serializers import (
    DocumentSerializer,
    DocumentUploadSerializer,
    UploadAnswerSerializer,
)
from documents.services import document_upload
from documents.uploads import UploadRejected, check_request_size
from jobs.models import Job
from jobs.serializers import JobSerializer

NO_SUCH_DOCUMENT = "No such document."


@extend_schema_view(
    get=extend_schema(
        tags=["documents"],
        summary="List documents",
        description="Your documents, newest first (staff: everyone's).",
        responses={
            200: DocumentSerializer(many=True),
            **error_responses(401, described=NO_SUCH_PAGE),
        },
    ),
    post=extend_schema(
        tags=["documents"],
        summary="Upload a PDF",
        description="Stores the file and starts its job. The same bytes sent again while "
        "their job still runs give that job back (200) instead of a second one. Throttled "
        "per user.",
        request={"multipart/form-data": DocumentUploadSerializer},
        responses={
            202: OpenApiResponse(UploadAnswerSerializer, description="Stored; a job started."),
            200: OpenApiResponse(
                UploadAnswerSerializer, description="Already being processed: the running job."
            ),
            **error_responses(
                401,
                413,
                415,
                429,
                described={
                    400: "`invalid` (no `file` field), `empty_file`, or `too_many_files` "
                    "(one file per request)."
                },
            ),
        },
    ),
)
class DocumentListCreateView(generics.ListAPIView[Document]):
    serializer_class = DocumentSerializer
    parser_classes = [MultiPartParser]
    throttle_scope = "uploads"

    def get_throttles(self) -> list[BaseThrottle]:
        return [ScopedRateThrottle()] if self.request.method == "POST" else []

    def get_queryset(self) -> QuerySet[Document]:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no user
            return Document.objects.none()
        return Document.objects.for_user(request_user(self.request)).order_by("-created_at", "-id")

    def post(self, request: Request) -> Response:
        check_request_size(
            content_length=int(request.META.get("CONTENT_LENGTH") or 0),
            max_bytes=settings.UPLOAD_MAX_BYTES,
        )
        if len(request.FILES.getlist("file")) > 1:
            raise UploadRejected(400, "too_many_files", "Send one file per request.")
        upload = DocumentUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        result = document_upload(owner=request_user(request), upload=upload.validated_data["file"])
        answer = UploadAnswerSerializer({"document": result.document, "job": result.job})
        return Response(
            answer.data, status=status.HTTP_202_ACCEPTED if result.created else status.HTTP_200_OK
        )


class DocumentDetailView(APIView):
    @extend_schema(
        tags=["documents"],
        summary="Get a document",
        responses={200: DocumentSerializer, **error_responses(401, 404)},
    )
    def get(self, request: Request, document_id: UUID) -> Response:
        try:
            document = get_document_for_user(request_user(request), document_id)
        except Document.DoesNotExist:
            raise NotFound(NO_SUCH_DOCUMENT) from None
        return Response(DocumentSerializer(document).data)


class DocumentStatusView(APIView):
    @extend_schema(
        tags=["documents"],
        summary="Get the status of a document: its latest job's snapshot",
        responses={200: JobSerializer, **error_responses(401, 404)},
    )
    def get(self, request: Request, document_id: UUID) -> Response:
        try:
            job = get_latest_job_for_user(request_user(request), document_id)
        except Document.DoesNotExist:
            raise NotFound(NO_SUCH_DOCUMENT) from None
        except Job.DoesNotExist:
            raise NotFound("The document has no job.") from None
        return Response(JobSerializer(job).data)
