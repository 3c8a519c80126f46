"""Celery tasks, one module per queue: `pdf`, `ai`, and `housekeeping` (the default queue)."""

from jobs.tasks import ai, housekeeping, pdf

__all__ = ["ai", "housekeeping", "pdf"]
