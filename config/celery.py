"""The Celery application: JSON only, late acks, one task at a time, time limits, three queues."""

from __future__ import annotations

import logging.config
import os
import resource
from typing import Any

from celery import Celery, Task
from celery.signals import (
    setup_logging,
    task_postrun,
    task_prerun,
    worker_process_init,
    worker_process_shutdown,
)
from django.conf import settings
from kombu import Queue

from config.json_logging import bind_log_context, call_context, clear_log_context

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
    # Sending a task waits out a short broker outage (a Redis restart) instead of failing the
    # task that sends it: about a minute of retries.
    task_publish_retry=True,
    task_publish_retry_policy={
        "max_retries": 20,
        "interval_start": 0.2,
        "interval_step": 0.5,
        "interval_max": 3,
    },
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


@setup_logging.connect
def _log_through_django_settings(**_: Any) -> None:
    """Workers log JSON lines through settings.LOGGING, like every other process."""
    logging.config.dictConfig(settings.LOGGING)


@task_prerun.connect
def _bind_task_to_logs(
    task_id: str, task: Task[Any, Any], args: Any = (), kwargs: Any = None, **_: Any
) -> None:
    """Every line a task logs carries the task and its job (`job_id`, `attempt`)."""
    bind_log_context(task=task.name, task_id=task_id, **call_context(task.run, args, kwargs))


@task_postrun.connect
def _unbind_task_from_logs(**_: Any) -> None:
    clear_log_context()


@worker_process_shutdown.connect
def _forget_live_metrics(**_: Any) -> None:
    """A pool process that exits leaves the live gauges (its counters stay in the sums)."""
    from ops.metrics import forget_this_process  # after settings: see PROMETHEUS_MULTIPROC_DIR

    forget_this_process()
