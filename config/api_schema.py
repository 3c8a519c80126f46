"""The polling endpoints in the OpenAPI schema.

`jobs.polling` serves them as plain async views, which drf-spectacular cannot see. The views
below exist only to describe them; `add_polling_endpoints` (a POSTPROCESSING_HOOKS entry) puts
their operations into the schema at the real routes' paths.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

from django.urls import reverse
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.settings import spectacular_settings
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api_errors import error_responses
from jobs.serializers import (
    JobEventsPageSerializer,
    JobEventsQuerySerializer,
    UserEventsPageSerializer,
    UserEventsQuerySerializer,
)

BAD_CURSOR = {400: "`bad_request`: `after`, `limit` or `wait` is not a whole number in range."}


class JobEventsDescription(APIView):
    @extend_schema(
        operation_id="jobs_events_retrieve",
        tags=["jobs"],
        summary="Get a job's events after a cursor (polling fallback)",
        description="The job's snapshot and its events with `seq` greater than `after`. "
        "With `wait`, an answer with no events is held until one arrives (long polling).",
        parameters=[
            OpenApiParameter("job_id", OpenApiTypes.UUID, OpenApiParameter.PATH),
            JobEventsQuerySerializer,
        ],
        responses={200: JobEventsPageSerializer, **error_responses(401, 404, described=BAD_CURSOR)},
    )
    def get(self, request: Request, job_id: str) -> Response:
        raise NotImplementedError("served by jobs.polling.job_events")


class UserEventsDescription(APIView):
    @extend_schema(
        operation_id="events_retrieve",
        tags=["events"],
        summary="Get the user's event stream after a cursor (polling fallback)",
        description="The user's current jobs and the events of all their jobs with `user_seq` "
        "greater than `after`. With `wait`, an answer with no events is held until one "
        "arrives (long polling).",
        parameters=[UserEventsQuerySerializer],
        responses={200: UserEventsPageSerializer, **error_responses(401, described=BAD_CURSOR)},
    )
    def get(self, request: Request) -> Response:
        raise NotImplementedError("served by jobs.polling.user_events")


POLLING_ROUTES: list[tuple[str, dict[str, str], type[APIView]]] = [
    ("api-job-events", {"job_id": "{job_id}"}, JobEventsDescription),
    ("api-user-events", {}, UserEventsDescription),
]


def add_polling_endpoints(
    result: dict[str, Any], generator: SchemaGenerator, request: Any, public: bool
) -> dict[str, Any]:
    paths: dict[str, Any] = result["paths"]
    for route, kwargs, view_class in POLLING_ROUTES:
        path = unquote(reverse(route, kwargs=kwargs))
        view = generator.create_view(view_class.as_view(), "GET")  # type: ignore[no-untyped-call]
        view.request = spectacular_settings.GET_MOCK_REQUEST("GET", path, view, request)
        operation = view.schema.get_operation(path, "", "", "GET", generator.registry)
        paths[path] = {"get": operation}
    result["paths"] = dict(sorted(paths.items()))
    # The operations above registered their components: build the components again.
    result["components"] = generator.registry.build(spectacular_settings.APPEND_COMPONENTS)
    return result
