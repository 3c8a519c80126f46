"""REST API views for notes: list, detail (with the quiz), Markdown export."""

from __future__ import annotations

import re
import unicodedata
from typing import Any
from uuid import UUID

from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils.http import content_disposition_header
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import generics
from rest_framework.exceptions import NotFound
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api_auth import request_user
from config.api_errors import NO_SUCH_PAGE, error_responses
from notes.access import get_note_for_user
from notes.models import Note
from notes.serializers import NoteListItemSerializer, NoteSerializer
from notes.services import note_as_markdown

MARKDOWN_CONTENT_TYPE = "text/markdown; charset=utf-8"
_UNSAFE_IN_FILE_NAME = re.compile(r"[^\w\s.\-()\[\]+,&']", re.UNICODE)


def note_for_request(request: Request, note_id: UUID) -> Note:
    try:
        return get_note_for_user(request_user(request), note_id)
    except Note.DoesNotExist:
        raise NotFound("No such note.") from None


def markdown_file_name(title: str) -> str:
    """A download name from a title: no path parts, quotes or control characters; `.md`."""
    name = unicodedata.normalize("NFC", title)
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = " ".join(_UNSAFE_IN_FILE_NAME.sub("_", name).split()).strip(" ._")
    return f"{name[:100].rstrip(' .') or 'notes'}.md"


@extend_schema_view(
    get=extend_schema(
        tags=["notes"],
        summary="List notes",
        description="Your notes, newest first (staff: everyone's).",
        responses={
            200: NoteListItemSerializer(many=True),
            **error_responses(401, described=NO_SUCH_PAGE),
        },
    )
)
class NoteListView(generics.ListAPIView[Note]):
    serializer_class = NoteListItemSerializer

    def get_queryset(self) -> QuerySet[Note]:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no user
            return Note.objects.none()
        return (
            Note.objects.for_user(request_user(self.request))
            .select_related("document")
            .order_by("-created_at", "-id")
        )


class NoteDetailView(APIView):
    @extend_schema(
        tags=["notes"],
        summary="Get a note: summary, sections, key terms and the quiz",
        responses={200: NoteSerializer, **error_responses(401, 404)},
    )
    def get(self, request: Request, note_id: UUID) -> Response:
        return Response(NoteSerializer(note_for_request(request, note_id)).data)


class JsonErrorsNegotiation(BaseContentNegotiation):
    """The export answers Markdown whatever the `Accept` header says, and errors in JSON."""

    def select_parser(self, request: Request, parsers: Any) -> Any:
        return parsers[0] if parsers else None

    def select_renderer(
        self, request: Request, renderers: Any, format_suffix: str | None = None
    ) -> tuple[BaseRenderer, str]:
        return renderers[0], renderers[0].media_type


class NoteExportView(APIView):
    renderer_classes = [JSONRenderer]
    content_negotiation_class = JsonErrorsNegotiation

    @extend_schema(
        tags=["notes"],
        summary="Download a note as Markdown",
        description="An attachment named after the note's title.",
        responses={
            (200, "text/markdown"): OpenApiResponse(
                OpenApiTypes.STR, description="The notes and the quiz in Markdown."
            ),
            **error_responses(401, 404),
        },
    )
    def get(self, request: Request, note_id: UUID) -> HttpResponse:
        note = note_for_request(request, note_id)
        response = HttpResponse(note_as_markdown(note), content_type=MARKDOWN_CONTENT_TYPE)
        disposition = content_disposition_header(
            as_attachment=True, filename=markdown_file_name(note.title)
        )
        assert disposition is not None  # always set for an attachment
        response["Content-Disposition"] = disposition
        return response
