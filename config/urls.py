"""Top-level routes. Each face of the product keeps its own route module."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("config.ops_urls")),
    path("api/", include("config.api_urls")),
    path("", include("config.page_urls")),
]
