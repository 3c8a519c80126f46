"""Celery tasks, one module per queue: `pdf`, `ai`, and `housekeeping` (the default queue)."""

from jobs.tasks import housekeeping

__all__ = ["housekeeping"]
