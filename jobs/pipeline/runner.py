"""Runs one pipeline step for a task: every failure ends the job with a code, none crashes the
worker, a cancelled or superseded attempt just stops, and an unreachable database makes the task
retry."""

from __future__ import annotations

import logging
from collections.abc import Callable

from celery import Task
from celery.exceptions import SoftTimeLimitExceeded
from django.db import InterfaceError, OperationalError

from jobs.errors import JobCancelled, JobError
from jobs.events import ErrorCode
from jobs.models import Job
from jobs.pipeline.steps import Next
from jobs.services import job_fail

logger = logging.getLogger(__name__)

Step = Callable[..., Next]

# The database is unreachable: nothing can be recorded, so the task retries later (the steps are
# idempotent and each event is one transaction, so nothing is half-written meanwhile).
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)


class PipelineTask(Task):  # type: ignore[type-arg]
    """The base of the pipeline's tasks: they retry while the database is unreachable."""

    autoretry_for = DATABASE_UNAVAILABLE
    retry_backoff = 2
    retry_backoff_max = 60
    retry_jitter = True
    max_retries = 10


TIMED_OUT = JobError(
    ErrorCode.JOB_TIMEOUT,
    "Processing took too long. Please retry; if it happens again, try a smaller file.",
)
INTERNAL = JobError(ErrorCode.INTERNAL_ERROR, "Something went wrong on our side. Please retry.")


def run_step(step: Step, *, job_id: str, attempt: int) -> Next:
    context = {"job_id": job_id, "attempt": attempt}
    try:
        return step(job_id=job_id, attempt=attempt)
    except (JobCancelled, Job.DoesNotExist):
        logger.info("pipeline step stopped: the attempt is over", extra=context)
        return Next.DONE
    except JobError as error:
        logger.info("job failed: %s", error.code, extra=context)
        job_fail(job_id=job_id, attempt=attempt, error=error)
    except DATABASE_UNAVAILABLE:
        logger.warning("database unavailable; the task will retry", extra=context)
        raise
    except SoftTimeLimitExceeded:
        logger.warning("pipeline step hit its time limit", extra=context)
        job_fail(job_id=job_id, attempt=attempt, error=TIMED_OUT)
    except Exception:
        logger.exception("pipeline step failed", extra=context)
        job_fail(job_id=job_id, attempt=attempt, error=INTERNAL)
    return Next.DONE
