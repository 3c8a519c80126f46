"""The metrics are the sum over every process of the host: what another process emits shows in
the `/metrics` of a daphne, and a process that dies leaves the live gauges.

These tests give their processes a metrics folder of their own, so the values are exact.
"""

import subprocess
import sys
from pathlib import Path

import pytest

from jobs.events import Stage
from tests.factories import JobFactory
from tests.ops.conftest import metric_value, scrape_server
from tests.servers import (
    BASE_DIR,
    EmitterProcess,
    active,
    cancelled,
    completed,
    process_env,
    queued,
    running_daphne,
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

TOKEN = "metrics-token-across-processes-0123"

# Opens `argv[1]` WebSocket connections (as the consumer reports them), closes one, says
# "ready", and waits for a line on stdin before it exits.
WEBSOCKET_SCRIPT = """
import sys
import django
django.setup()
from ops.metrics import websocket_closed, websocket_opened
for _ in range(int(sys.argv[1])):
    websocket_opened()
websocket_closed()
print("ready", flush=True)
sys.stdin.readline()
"""


@pytest.fixture
def own_metrics_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Processes started from here on share a fresh metrics folder (and know the token)."""
    folder = tmp_path / "prometheus"
    folder.mkdir()
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(folder))
    monkeypatch.setenv("METRICS_TOKEN", TOKEN)
    return folder


def test_a_daphne_reports_the_events_and_durations_another_process_emitted(
    own_metrics_folder, tmp_path
):
    done, stopped = JobFactory(), JobFactory()
    emitter = EmitterProcess(
        [
            (done.id, queued()),
            (done.id, active(Stage.INITIALIZING, 5)),
            (done.id, active(Stage.EXTRACTING_TEXT, 40)),
            (done.id, completed()),
            (stopped.id, queued()),
            (stopped.id, cancelled()),
        ]
    )
    emitter.wait_ready()
    emitter.go()
    emitter.wait_done()

    with running_daphne(tmp_path) as server:
        text = scrape_server(server.url, TOKEN)

    expected = {
        ("queued", "queued"): 2,
        ("initializing", "active"): 1,
        ("extracting_text", "active"): 1,
        ("completed", "completed"): 1,
        ("cancelled", "cancelled"): 1,
    }
    for (stage, status), count in expected.items():
        assert metric_value(text, "job_events_total", stage=stage, status=status) == count
    assert metric_value(text, "job_events_total", stage="saving", status="active") is None
    completed_run = {"status": "completed", "cache_hit": "false"}
    assert metric_value(text, "job_duration_seconds_count", **completed_run) == 1
    # Cancelled while queued: it never started, so it has no duration.
    assert metric_value(text, "job_duration_seconds_count", status="cancelled") is None
    assert metric_value(text, "jobs", status="completed") == 1
    assert metric_value(text, "jobs", status="cancelled") == 1


def start_websocket_holder(connections: int) -> subprocess.Popen[str]:
    process = subprocess.Popen(
        [sys.executable, "-c", WEBSOCKET_SCRIPT, str(connections)],
        cwd=BASE_DIR,
        env=process_env(),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "ready"
    return process


def test_open_websockets_are_summed_over_live_processes_only(own_metrics_folder, admin_client):
    def metrics() -> str:
        return str(admin_client.get("/metrics").content.decode())

    killed, leaving = start_websocket_holder(3), start_websocket_holder(2)
    text = metrics()
    assert metric_value(text, "websocket_connections") == 2 + 1
    assert metric_value(text, "websocket_connects_total") == 5
    assert metric_value(text, "websocket_disconnects_total") == 2

    killed.kill()  # no chance to clean up: the scrape notices the process is gone
    killed.wait()
    text = metrics()
    assert metric_value(text, "websocket_connections") == 1
    assert metric_value(text, "websocket_connects_total") == 5

    leaving.communicate("bye\n", timeout=30)  # exits normally, and takes its share along
    assert metric_value(metrics(), "websocket_connections") in (None, 0)
