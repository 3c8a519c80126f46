"""Operations endpoints: liveness, readiness and metrics."""

from django.urls import URLPattern, path

from ops import views

urlpatterns: list[URLPattern] = [
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("metrics", views.metrics, name="metrics"),
]
