"""The Celery application: JSON only, late acks, one task at a time, time limits, three queues."""

from __future__ import annotations

import os
import resource
from typing import Any

from celery import Celery
from celery.signals import worker_process_init
from kombu import Queue

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("pdfnotes")
app.config_from_object("django.conf:settings", namespace="CELERY")

app.conf.update(
    task_serializer="json",
    result_serializer="json",
    accept_content=["json"],
    task_acks_late=True,
    task_reject_on_worker_lost=True,
    worker_prefetch_multiplier=1,
    task_ignore_result=True,
    result_expires=3600,
    task_track_started=False,
    broker_connection_retry_on_startup=True,
    worker_hijack_root_logger=False,
    task_default_queue="default",
    task_queues=(Queue("pdf"), Queue("ai"), Queue("default")),
    # PDF work (CPU and disk), model calls (slow network) and the rest scale separately.
    task_routes={
        "jobs.tasks.pdf.*": {"queue": "pdf"},
        "jobs.tasks.ai.*": {"queue": "ai"},
    },
    beat_schedule={
        "reap-stalled-jobs": {
            "task": "jobs.tasks.housekeeping.reap_stalled_jobs",
            "schedule": 60.0,
        },
        "prune-job-events": {
            "task": "jobs.tasks.housekeeping.prune_job_events",
            "schedule": 3600.0,
        },
    },
)
app.autodiscover_tasks()


@worker_process_init.connect
def _bound_worker_memory(**_: Any) -> None:
    """Cap the address space of a worker process (set per queue in the Procfile).

    A decompression bomb or a pathological page then fails that one job with MemoryError
    instead of taking the machine down.
    """
    limit_mb = int(os.environ.get("WORKER_MEMORY_LIMIT_MB", "0") or 0)
    if limit_mb > 0:
        limit = limit_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
