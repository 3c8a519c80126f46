"""The pieces really run: the ASGI application answers HTTP and WebSocket, a worker runs a task."""

import pytest
from channels.testing import HttpCommunicator, WebsocketCommunicator
from rest_framework.authtoken.models import Token

from config.asgi import application
from jobs.tasks.housekeeping import ping
from tests.servers import celery_worker  # noqa: F401 (a fixture)


async def test_the_asgi_application_answers_http():
    request = HttpCommunicator(application, "GET", "/healthz", headers=[(b"host", b"localhost")])
    response = await request.get_response()
    assert response["status"] == 200
    assert response["body"] == b'{"status": "ok"}'


@pytest.mark.django_db(transaction=True)
async def test_the_asgi_application_accepts_a_websocket_that_signs_in_with_a_token(user):
    token = await Token.objects.acreate(user=user)
    socket = WebsocketCommunicator(application, "/ws/jobs/")
    connected, _ = await socket.connect()
    assert connected
    await socket.send_json_to({"type": "auth", "token": token.key})
    assert await socket.receive_json_from() == {"type": "auth_ok", "user_id": str(user.pk)}
    await socket.send_json_to({"type": "ping"})
    assert await socket.receive_json_from() == {"type": "pong"}
    await socket.disconnect()


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("celery_worker")
def test_a_real_worker_returns_a_task_result_through_the_broker():
    assert ping.apply_async(queue="default").get(timeout=10) == "pong"
