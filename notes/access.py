"""Permission-checked fetch helper for notes (the API's only way to get one)."""

from __future__ import annotations

from uuid import UUID

from django.contrib.auth.models import User

from notes.models import Note


def get_note_for_user(user: User, note_id: UUID | str) -> Note:
    """The note if `user` may see it (owner or staff); `Note.DoesNotExist` otherwise, the same
    for one that does not exist, so that existence does not leak."""
    try:
        note_uuid = UUID(str(note_id))
    except ValueError:
        raise Note.DoesNotExist from None
    return Note.objects.for_user(user).select_related("document").get(id=note_uuid)
