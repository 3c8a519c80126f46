"""The REST API (`/api/...`)."""

from django.urls import path

from jobs import polling

urlpatterns = [
    path("jobs/<str:job_id>/", polling.job_detail, name="api-job-detail"),
    path("jobs/<str:job_id>/events/", polling.job_events, name="api-job-events"),
    path("events/", polling.user_events, name="api-user-events"),
]
