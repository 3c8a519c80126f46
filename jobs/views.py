"""The jobs pages: the home redirect and the dashboard with live progress."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from jobs.event_log import user_stream_head
from jobs.events import STAGE_LABELS
from jobs.models import Job
from jobs.snapshots import job_snapshot

DASHBOARD_JOBS = 50
_ID = "00000000-0000-0000-0000-000000000000"


def _url_template(name: str, kwarg: str) -> str:
    """The URL of `name` with `{id}` where the script puts an id."""
    return reverse(name, kwargs={kwarg: _ID}).replace(_ID, "{id}")


def live_config() -> dict[str, Any]:
    """What the page script of a page with live jobs needs (`partials/live_page.html`).

    The stage names come from `jobs.events`, the single source: the script has no copy.
    """
    return {
        "stage_labels": STAGE_LABELS,
        "note_url": _url_template("note-detail", "note_id"),
        "cancel_url": _url_template("api-job-cancel", "job_id"),
        "retry_url": _url_template("api-job-retry", "job_id"),
    }


def home(request: HttpRequest) -> HttpResponse:
    """Signed in: the dashboard, or the upload page for someone with no jobs yet."""
    user = request.user
    if not isinstance(user, User) or not user.is_authenticated:
        return redirect(settings.LOGIN_URL)
    return redirect("jobs" if Job.objects.owned_by(user).exists() else "upload")


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    assert isinstance(request.user, User)
    # The cursor is read before the jobs: an event committed in between is replayed by the
    # subscription and ignored by the client when the snapshot already includes it.
    cursor = user_stream_head(request.user)
    jobs = list(Job.objects.owned_by(request.user).select_related("document")[:DASHBOARD_JOBS])
    context = {
        "jobs": jobs,
        "dashboard_config": {"user_cursor": cursor, "jobs": [job_snapshot(job) for job in jobs]},
        "live_config": live_config(),
    }
    return render(request, "jobs/dashboard.html", context)
