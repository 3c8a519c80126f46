"""The open WebSocket gauge follows the connections a daphne holds."""

import json
import time

import pytest
from websockets.sync.client import connect

from tests.ops.conftest import metric_value, scrape_server
from tests.servers import running_daphne

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]
TOKEN = "metrics-token-websockets-0123456789"


def open_connections(url: str) -> float:
    return metric_value(scrape_server(url, TOKEN), "websocket_connections")


def test_the_gauge_counts_open_connections_and_the_counters_every_open_and_close(
    tmp_path, monkeypatch
):
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path / "prometheus"))
    monkeypatch.setenv("METRICS_TOKEN", TOKEN)
    (tmp_path / "prometheus").mkdir()
    with running_daphne(tmp_path) as server:
        with connect(server.ws_url) as first, connect(server.ws_url) as second:
            for connection in (first, second):
                connection.send(json.dumps({"type": "ping"}))
                assert json.loads(connection.recv(10)) == {"type": "pong"}
            assert open_connections(server.url) == 2
        deadline = time.monotonic() + 10
        while open_connections(server.url) != 0:
            assert time.monotonic() < deadline, "the closed connections were still counted"
            time.sleep(0.1)
        text = scrape_server(server.url, TOKEN)
    assert metric_value(text, "websocket_connects_total") == 2
    assert metric_value(text, "websocket_disconnects_total") == 2
