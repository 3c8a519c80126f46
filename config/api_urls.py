"""The REST API (`/api/...`)."""

from django.urls import URLPattern, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from config.api_auth import TokenObtainView
from config.api_errors import api_not_found
from documents.api import DocumentDetailView, DocumentListCreateView, DocumentStatusView
from jobs import polling
from jobs.api import JobCancelView, JobDetailView, JobListView, JobRetryView
from notes.api import NoteDetailView, NoteExportView, NoteListView

urlpatterns: list[URLPattern] = [
    path("auth/token/", TokenObtainView.as_view(), name="api-token"),
    path("documents/", DocumentListCreateView.as_view(), name="api-documents"),
    path("documents/<uuid:document_id>/", DocumentDetailView.as_view(), name="api-document"),
    path(
        "documents/<uuid:document_id>/status/",
        DocumentStatusView.as_view(),
        name="api-document-status",
    ),
    path("jobs/", JobListView.as_view(), name="api-jobs"),
    path("jobs/<uuid:job_id>/", JobDetailView.as_view(), name="api-job-detail"),
    path("jobs/<uuid:job_id>/cancel/", JobCancelView.as_view(), name="api-job-cancel"),
    path("jobs/<uuid:job_id>/retry/", JobRetryView.as_view(), name="api-job-retry"),
    path("jobs/<str:job_id>/events/", polling.job_events, name="api-job-events"),
    path("events/", polling.user_events, name="api-user-events"),
    path("notes/", NoteListView.as_view(), name="api-notes"),
    path("notes/<uuid:note_id>/", NoteDetailView.as_view(), name="api-note"),
    path("notes/<uuid:note_id>/export/", NoteExportView.as_view(), name="api-note-export"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    # Last: any other path ending in a slash gets a 404 in the API's error format (paths without
    # one are first redirected here by APPEND_SLASH when adding the slash finds this route).
    re_path(r"^(?:.*/)?$", api_not_found),
]
