"""Permission-checked fetch helpers: the only way views, the API and the consumer get a job."""

from __future__ import annotations

from uuid import UUID

from django.contrib.auth.models import User

from jobs.models import Job


def get_job_for_user(user: User, job_id: UUID | str) -> Job:
    """The job if `user` may see it (owner or staff); `Job.DoesNotExist` otherwise.

    A job that does not exist and one the user may not read raise the same error, so that
    existence does not leak.
    """
    try:
        job_uuid = UUID(str(job_id))
    except ValueError:
        raise Job.DoesNotExist from None
    return Job.objects.for_user(user).select_related("document").get(id=job_uuid)
