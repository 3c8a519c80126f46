"""Submit a PDF and follow its job live in the terminal, through the event log and the layer."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from asgiref.sync import async_to_sync, sync_to_async
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError, CommandParser

from documents.services import document_upload
from documents.uploads import UploadRejected
from jobs import event_log
from jobs.emitter import job_group
from jobs.events import Stage, Status
from jobs.live import GroupListener
from jobs.models import Job

BAR_WIDTH = 30
WAIT_SECONDS = 5


def progress_line(event: dict[str, Any]) -> str:
    filled = BAR_WIDTH * event["progress"] // 100
    bar = "#" * filled + "-" * (BAR_WIDTH - filled)
    label, message = Stage(event["stage"]).label, event["message"]
    text = message if message.startswith(label) else f"{label}: {message}"
    return f"[{bar}] {event['progress']:3d}%  {text}"


class Command(BaseCommand):
    help = "Process a PDF into notes and show every stage live; exits non-zero on failure."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--user", default="demo", help="the owner (default: demo)")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        try:
            owner = User.objects.get(username=options["user"])
        except User.DoesNotExist:
            raise CommandError(f"No such user: {options['user']}") from None
        upload = SimpleUploadedFile(path.name, path.read_bytes(), "application/pdf")
        try:
            result = document_upload(owner=owner, upload=upload)
        except UploadRejected as rejected:
            raise CommandError(f"{rejected.code}: {rejected.message}") from None
        if not result.created:
            self.stdout.write("This file is already being processed; following that job.")
        last = self.follow(result.job)
        self.finish(last)

    def follow(self, job: Job) -> dict[str, Any]:
        return async_to_sync(self._follow)(job)

    async def _follow(self, job: Job) -> dict[str, Any]:
        interactive = sys.stdout.isatty()
        cursor, last = 0, None
        async with GroupListener(job_group(job.id)) as listener:
            while True:
                page = await sync_to_async(event_log.job_events_after)(job, cursor)
                for event in page.events:
                    line = progress_line(event)
                    if interactive:
                        self.stdout.write(f"\r{line:<110}", ending="")
                    else:
                        self.stdout.write(line)
                    last = event
                cursor = page.cursor
                if last is not None and Status(last["status"]).is_terminal:
                    if interactive:
                        self.stdout.write("")
                    return last
                await listener.wait(WAIT_SECONDS)
                await sync_to_async(job.refresh_from_db)()

    def finish(self, event: dict[str, Any]) -> None:
        if event["status"] == Status.COMPLETED:
            result = event["result"]
            self.stdout.write(self.style.SUCCESS(f"Notes ready: {result['title']}"))
            self.stdout.write(f"  note {result['note_id']}  ->  /notes/{result['note_id']}/")
            return
        if event["status"] == Status.FAILED:
            error = event["error"]
            raise CommandError(f"{error['code']}: {error['message']}", returncode=2)
        raise CommandError("The job was cancelled.", returncode=3)
