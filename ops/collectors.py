"""Gauges read at scrape time: jobs by status (the database) and queue depth (the broker)."""

from __future__ import annotations

import logging
from collections.abc import Iterator

from django.db.models import Count
from prometheus_client.core import GaugeMetricFamily, Metric

from jobs.events import Status
from jobs.models import Job
from ops.broker import queue_depths

logger = logging.getLogger(__name__)


class JobsByStatusCollector:
    def collect(self) -> Iterator[Metric]:
        rows = Job.objects.order_by().values("status").annotate(count=Count("id"))
        counts = {row["status"]: row["count"] for row in rows}
        family = GaugeMetricFamily("jobs", "Jobs in the database, by status.", labels=["status"])
        for status in Status:
            family.add_metric([status.value], counts.get(status.value, 0))
        yield family


class QueueDepthCollector:
    def collect(self) -> Iterator[Metric]:
        try:
            depths = queue_depths()
        except Exception:
            # The scrape still answers; the missing series is what alerts (absent()).
            logger.warning("queue depth unavailable: the broker did not answer", exc_info=True)
            return
        family = GaugeMetricFamily(
            "queue_depth", "Tasks waiting in each Celery queue.", labels=["queue"]
        )
        for queue, depth in depths.items():
            family.add_metric([queue], depth)
        yield family
