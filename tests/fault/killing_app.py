"""The real Celery app, for fault tests, with one addition: the worker process SIGKILLs itself
right after the first event of each stage of a job commits (once per job and stage).

    celery -A tests.fault.killing_app worker ...   (KILL_MARKERS: a folder for the markers)

So one job is killed at every stage in turn, at the worst moment: its event is in the log, its
task is not acknowledged, and the next stage has not started.
"""

from __future__ import annotations

import os
import signal
from pathlib import Path
from typing import Any

from celery.signals import worker_process_init

from config.celery import app

__all__ = ["app"]


def _kill_after_first_event_of_each_stage(sender: Any, event: Any, **_: Any) -> None:
    marker = Path(os.environ["KILL_MARKERS"]) / f"{event.job_id}-{event.stage}"
    if event.status in ("active", "completed") and not marker.exists():
        marker.touch()
        os.kill(os.getpid(), signal.SIGKILL)


@worker_process_init.connect
def _arm(**_: Any) -> None:
    from jobs.emitter import event_emitted

    event_emitted.connect(_kill_after_first_event_of_each_stage, weak=False)
