"""`manage.py reset_metrics`: empty the host's metrics folder before its processes start.

The folder holds files for every process that ran since it was last emptied; run this when the
whole set of processes of a host (re)starts, never while any of them runs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand

from ops.metrics import metrics_directory


class Command(BaseCommand):
    help = "Delete the Prometheus multiprocess files (run before the host's processes start)."

    def handle(self, *args: Any, **options: Any) -> None:
        removed = 0
        for path in Path(metrics_directory()).glob("*.db"):
            path.unlink(missing_ok=True)
            removed += 1
        self.stdout.write(f"Removed {removed} metrics files from {metrics_directory()}.")
