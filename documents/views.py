"""The upload page. Files go to the API (`POST /api/documents/`), one request per file."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from jobs.views import live_config


@login_required
def upload_page(request: HttpRequest) -> HttpResponse:
    context = {
        # The browser checks these first to answer quickly; the server decides.
        "upload_config": {
            "max_bytes": settings.UPLOAD_MAX_BYTES,
            "upload_url": reverse("api-documents"),
        },
        "live_config": live_config(),
    }
    return render(request, "documents/upload.html", context)
