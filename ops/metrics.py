"""The Prometheus metrics, shared by every process of a host through prometheus_client's
multiprocess mode (PROMETHEUS_MULTIPROC_DIR, set by the settings before this module loads).

Counters and histograms are summed over every process that ever wrote them; the WebSocket gauge
only over live ones (`livesum`), so a process's share goes when it exits or dies. Jobs by status
and queue depths are read at scrape time (`ops.collectors`).
"""

from __future__ import annotations

import glob
import logging
import os
import re
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector, mark_process_dead

from jobs.events import Event
from jobs.models import Job
from ops.collectors import JobsByStatusCollector, QueueDepthCollector

logger = logging.getLogger(__name__)

JOB_EVENTS = Counter("job_events", "Job events emitted, by stage and status.", ["stage", "status"])
JOB_DURATION = Histogram(
    "job_duration_seconds",
    "From a job's start to its end (the last attempt), by outcome.",
    ["status", "cache_hit"],
    buckets=(0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300, 600, 1200, 1800, 3600),
)
WEBSOCKET_CONNECTIONS = Gauge(
    "websocket_connections", "Open WebSocket connections.", multiprocess_mode="livesum"
)
WEBSOCKET_CONNECTS = Counter("websocket_connects", "WebSocket connections accepted.")
WEBSOCKET_DISCONNECTS = Counter("websocket_disconnects", "WebSocket connections closed.")

_LIVE_GAUGE_FILE = re.compile(r"gauge_live[a-z]+_(\d+)\.db$")


def record_event(*, event: Event, **_: Any) -> None:
    """`event_emitted` receiver: count the event, and time the job when it ends.

    It runs in the emitter's after-commit hook, so it never raises: a metrics failure must not
    look like a failed pipeline step.
    """
    try:
        JOB_EVENTS.labels(stage=event.stage.value, status=event.status.value).inc()
        if event.status.is_terminal:
            _observe_duration(event)
    except Exception:
        logger.exception("could not record the event in the metrics", extra=_context(event))


def _observe_duration(event: Event) -> None:
    started_at, cache_hit = Job.objects.values_list("started_at", "cache_hit").get(id=event.job_id)
    if started_at is None:  # ended before any worker started it (cancelled while queued)
        return
    if event.result is not None:
        cache_hit = event.result.cache_hit
    JOB_DURATION.labels(status=event.status.value, cache_hit=str(cache_hit).lower()).observe(
        max((event.timestamp - started_at).total_seconds(), 0.0)
    )


def _context(event: Event) -> dict[str, object]:
    return {"job_id": str(event.job_id), "seq": event.seq, "status": event.status.value}


def websocket_opened(**_: object) -> None:
    WEBSOCKET_CONNECTIONS.inc()
    WEBSOCKET_CONNECTS.inc()


def websocket_closed(**_: object) -> None:
    WEBSOCKET_CONNECTIONS.dec()
    WEBSOCKET_DISCONNECTS.inc()


def metrics_directory() -> str:
    return os.environ["PROMETHEUS_MULTIPROC_DIR"]


def forget_process(pid: int) -> None:
    """Drop the live gauges of a process that has ended (its counters stay in the sums)."""
    mark_process_dead(pid, metrics_directory())  # type: ignore[no-untyped-call]


def forget_this_process() -> None:
    forget_process(os.getpid())


def forget_dead_processes() -> None:
    """Drop the live gauges of processes that died without saying so (killed, crashed).

    The processes of a host share its PID namespace (see docs/operations.md), so a PID that
    no longer exists is a process that is gone.
    """
    for path in glob.glob(os.path.join(metrics_directory(), "gauge_live*_*.db")):
        match = _LIVE_GAUGE_FILE.search(path)
        if match is not None and not _process_exists(int(match.group(1))):
            forget_process(int(match.group(1)))


def _process_exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: it exists
        return True
    return True


def render_metrics() -> bytes:
    """The Prometheus text exposition of every process of this host, plus scrape-time gauges."""
    forget_dead_processes()
    registry = CollectorRegistry()
    MultiProcessCollector(registry, path=metrics_directory())  # type: ignore[no-untyped-call]
    registry.register(JobsByStatusCollector())
    registry.register(QueueDepthCollector())
    return bytes(generate_latest(registry))
