"""Room names of the protocol (`job:<id>`, `user:me`, `user:<own id>`) and their groups."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from django.contrib.auth.models import User

from jobs.emitter import job_group, user_group


class RoomError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class JobRoom:
    name: str
    job_id: str

    @property
    def group(self) -> str:
        return job_group(self.job_id)


@dataclass(frozen=True)
class UserRoom:
    name: str
    user_id: str

    @property
    def group(self) -> str:
        return user_group(self.user_id)


Room = JobRoom | UserRoom


def parse_room(name: object, user: User) -> Room:
    """The room `name` stands for. Whether a job room may be read is checked against the log."""
    if not isinstance(name, str) or ":" not in name:
        raise RoomError("bad_request", "A room is 'job:<id>' or 'user:me'.")
    kind, _, key = name.partition(":")
    if kind == "job":
        try:
            return JobRoom(name=name, job_id=str(UUID(key)))
        except ValueError:
            raise RoomError("bad_request", "A job room is 'job:<job id>'.") from None
    if kind == "user":
        if key not in ("me", str(user.pk)):
            raise RoomError("forbidden", "No such room, or not yours.")
        return UserRoom(name=name, user_id=str(user.pk))
    raise RoomError("bad_request", "A room is 'job:<id>' or 'user:me'.")
