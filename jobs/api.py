"""REST API views for jobs: list, detail (the snapshot), cancel, retry.

The job's events are served by the async polling views of `jobs.polling`.
"""

from __future__ import annotations

from uuid import UUID

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, status
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api_auth import request_user
from config.api_errors import NO_SUCH_PAGE, error_responses
from jobs.access import get_job_for_user
from jobs.models import Job
from jobs.serializers import JobListQuerySerializer, JobSerializer
from jobs.services import job_cancel, job_retry


def job_for_request(request: Request, job_id: UUID) -> Job:
    try:
        return get_job_for_user(request_user(request), job_id)
    except Job.DoesNotExist:
        raise NotFound("No such job.") from None


@extend_schema_view(
    get=extend_schema(
        tags=["jobs"],
        summary="List jobs",
        description="Your jobs, newest first (staff: everyone's).",
        parameters=[JobListQuerySerializer],
        responses={
            200: JobSerializer(many=True),
            **error_responses(400, 401, described=NO_SUCH_PAGE),
        },
    )
)
class JobListView(generics.ListAPIView[Job]):
    serializer_class = JobSerializer

    def get_queryset(self) -> QuerySet[Job]:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no user
            return Job.objects.none()
        query = JobListQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        jobs = Job.objects.for_user(request_user(self.request)).select_related("document")
        if "status" in query.validated_data:
            jobs = jobs.filter(status=query.validated_data["status"])
        return jobs.order_by("-created_at", "-id")


class JobDetailView(APIView):
    @extend_schema(
        tags=["jobs"],
        summary="Get a job (its snapshot)",
        responses={200: JobSerializer, **error_responses(401, 404)},
    )
    def get(self, request: Request, job_id: UUID) -> Response:
        return Response(JobSerializer(job_for_request(request, job_id)).data)


class JobCancelView(APIView):
    @extend_schema(
        tags=["jobs"],
        summary="Cancel a queued or active job",
        description="Workers stop at the next stage, page or chunk.",
        request=None,
        responses={
            200: JobSerializer,
            **error_responses(
                401, 404, described={409: "`not_cancellable`: the job has already ended."}
            ),
        },
    )
    def post(self, request: Request, job_id: UUID) -> Response:
        job = job_cancel(job=job_for_request(request, job_id), by=request_user(request))
        return Response(JobSerializer(job).data)


class JobRetryView(APIView):
    @extend_schema(
        tags=["jobs"],
        summary="Retry a cancelled job, or a failed one whose error is recoverable",
        description="Starts a new attempt (`attempt` + 1); stored outputs are reused.",
        request=None,
        responses={
            202: JobSerializer,
            **error_responses(
                401, 404, described={409: "`not_retryable`: the job cannot be retried."}
            ),
        },
    )
    def post(self, request: Request, job_id: UUID) -> Response:
        job = job_retry(job=job_for_request(request, job_id), by=request_user(request))
        return Response(JobSerializer(job).data, status=status.HTTP_202_ACCEPTED)
