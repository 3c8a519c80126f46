from typing import Any

from django.urls import path

from jobs.consumers import JobEventsConsumer

# django-stubs types path() for views; Channels routes ASGI applications through it.
websocket_urlpatterns: list[Any] = [
    path("ws/jobs/", JobEventsConsumer.as_asgi()),  # type: ignore[arg-type]
]
