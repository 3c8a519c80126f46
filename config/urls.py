"""Top-level routes. Each face of the product keeps its own route module."""

from django.contrib import admin
from django.http import HttpRequest, JsonResponse
from django.urls import include, path


def healthz(_request: HttpRequest) -> JsonResponse:
    """Liveness: the process answers."""
    return JsonResponse({"status": "ok"})


urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("", include("config.ops_urls")),
    path("api/", include("config.api_urls")),
    path("", include("config.page_urls")),
]
