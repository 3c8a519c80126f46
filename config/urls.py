from django.contrib import admin
from django.http import HttpRequest, JsonResponse
from django.urls import path

from jobs import polling


def healthz(_request: HttpRequest) -> JsonResponse:
    """Liveness: the process answers."""
    return JsonResponse({"status": "ok"})


urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("api/jobs/<str:job_id>/", polling.job_detail, name="api-job-detail"),
    path("api/jobs/<str:job_id>/events/", polling.job_events, name="api-job-events"),
    path("api/events/", polling.user_events, name="api-user-events"),
]
