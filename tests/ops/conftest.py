"""Fixtures for the operations tests: a staff admin client, captured JSON logs, metric reads."""

from __future__ import annotations

import io
import json
import logging
import socket
import urllib.request
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from prometheus_client.parser import text_string_to_metric_families

from config.json_logging import JsonFormatter
from jobs.emitter import emit
from jobs.events import EventDraft
from jobs.models import Job
from tests.factories import UserFactory


@pytest.fixture
def admin_user(db: None) -> User:
    return UserFactory(is_staff=True, is_superuser=True)  # type: ignore[return-value]


@pytest.fixture
def admin_client_for_ops(admin_user: User) -> Client:
    client = Client()
    client.force_login(admin_user)
    return client


@pytest.fixture
def emit_all() -> Callable[[Job, list[EventDraft]], None]:
    """`emit_all(job, drafts)`: the one emitter, in order."""

    def run(job: Job, drafts: list[EventDraft]) -> None:
        for draft in drafts:
            emit(job.id, draft)

    return run


class LogLines:
    """What the configured JSON log handler wrote, parsed line by line."""

    def __init__(self, stream: io.StringIO) -> None:
        self.stream = stream

    @property
    def text(self) -> str:
        return self.stream.getvalue()

    def records(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.text.splitlines()]

    def with_message(self, message: str) -> list[dict[str, Any]]:
        return [record for record in self.records() if record["message"] == message]


@pytest.fixture
def log_lines() -> Iterator[LogLines]:
    """Points the root JSON handler of settings.LOGGING at a buffer for the test."""
    handlers = [
        handler
        for handler in logging.getLogger().handlers
        if isinstance(handler, logging.StreamHandler)
        and isinstance(handler.formatter, JsonFormatter)
    ]
    assert len(handlers) == 1, "settings.LOGGING has one JSON console handler on the root"
    buffer = io.StringIO()
    previous = handlers[0].setStream(buffer)
    try:
        yield LogLines(buffer)
    finally:
        handlers[0].setStream(previous)


def metric_value(text: str, name: str, **labels: str) -> float | None:
    """The value of the sample `name{labels}` in a Prometheus exposition (None when absent)."""
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name and all(sample.labels.get(k) == v for k, v in labels.items()):
                return float(sample.value)
    return None


def closed_port_url() -> str:
    """A Redis URL where nothing listens: the port was free a moment ago and nobody took it."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"redis://127.0.0.1:{port}/0"


def scrape_server(url: str, token: str) -> str:
    """The `/metrics` text of a running server, read with the bearer token."""
    headers = {"Authorization": f"Bearer {token}"}
    request = urllib.request.Request(f"{url}/metrics", headers=headers)  # noqa: S310 (local)
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        return str(response.read().decode())
