"""`/healthz`: the process answers. `/readyz`: what it depends on answers, or which does not."""

import asyncio
import time

import pytest

from config.celery import app as celery_app
from tests.ops.conftest import closed_port_url

pytestmark = pytest.mark.django_db


def test_healthz_answers_without_touching_anything(client):
    response = client.get("/healthz")
    assert (response.status_code, response.json()) == (200, {"status": "ok"})


def test_readyz_is_200_with_each_check_and_its_timing_when_everything_answers(client):
    response = client.get("/readyz")
    body = response.json()
    assert response.status_code == 200, body
    assert body["status"] == "ok"
    assert body["failed"] == []
    assert set(body["checks"]) == {"database", "redis", "broker", "channel_layer"}
    for check in body["checks"].values():
        assert check["status"] == "ok"
        assert check["ms"] >= 0


def test_readyz_is_503_naming_redis_the_broker_and_the_channel_layer_when_redis_is_down(
    client, settings, monkeypatch
):
    down = closed_port_url()
    settings.REDIS_URL = down
    layer = settings.CHANNEL_LAYERS["default"]
    settings.CHANNEL_LAYERS = {
        "default": {**layer, "CONFIG": {**layer["CONFIG"], "hosts": [{"address": down}]}}
    }
    monkeypatch.setitem(celery_app.conf, "broker_url", down)

    started = time.monotonic()
    response = client.get("/readyz")
    elapsed = time.monotonic() - started

    body = response.json()
    assert response.status_code == 503, body
    assert body["status"] == "unavailable"
    assert sorted(body["failed"]) == ["broker", "channel_layer", "redis"]
    assert body["checks"]["database"]["status"] == "ok"
    assert all(body["checks"][name]["error"] for name in body["failed"])
    assert elapsed < 5, "each check gives up within its 2 s timeout, side by side"


def test_readyz_reveals_no_connection_details(client, settings, monkeypatch):
    down = closed_port_url().replace("redis://", "redis://:hunter2-secret@")
    settings.REDIS_URL = down
    monkeypatch.setitem(celery_app.conf, "broker_url", down)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert "hunter2" not in response.content.decode()
    assert "127.0.0.1" not in response.content.decode()


class SilentLayer:
    """A channel layer that accepts messages and never delivers them."""

    async def new_channel(self) -> str:
        return "readyz.test!silent"

    async def send(self, channel: str, message: dict[str, object]) -> None:
        return None

    async def receive(self, channel: str) -> dict[str, object]:
        await asyncio.sleep(3600)
        return {}


def test_readyz_gives_up_on_a_check_after_two_seconds_and_names_it(client, monkeypatch):
    monkeypatch.setattr("ops.health.get_channel_layer", SilentLayer)
    started = time.monotonic()
    response = client.get("/readyz")
    elapsed = time.monotonic() - started
    body = response.json()
    assert response.status_code == 503
    assert body["failed"] == ["channel_layer"]
    assert body["checks"]["channel_layer"]["error"] == "no answer within 2 s"
    assert 2 <= elapsed < 4
