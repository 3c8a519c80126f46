"""The operations of the jobs app."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone

from jobs.models import JobEvent


def job_events_prune() -> int:
    """Delete events older than EVENT_RETENTION; returns how many went.

    Clients whose cursor falls into the pruned part get `recovered: false` and the snapshot.
    """
    cutoff = timezone.now() - settings.EVENT_RETENTION
    deleted, _ = JobEvent.objects.filter(created_at__lt=cutoff).delete()
    return deleted
