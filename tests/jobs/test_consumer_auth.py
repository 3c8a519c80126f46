"""Signing in on `/ws/jobs/`: session cookie, API token, the 10 second limit and the Origin rule."""

import pytest
from channels.db import database_sync_to_async

from jobs import consumers
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("origin", ["http://testserver", "http://localhost:8000"])
async def test_a_session_cookie_from_an_allowed_origin_signs_the_connection_in(
    open_ws, user, session_cookie, origin
):
    client = await open_ws(cookie=session_cookie, origin=origin)
    assert await client.receive() == {"type": "auth_ok", "user_id": str(user.pk)}


async def test_an_api_token_in_the_first_message_signs_the_connection_in(open_ws, user, token):
    client = await open_ws()
    await client.send({"type": "auth", "token": token})
    assert await client.receive() == {"type": "auth_ok", "user_id": str(user.pk)}


async def test_a_connection_that_does_not_sign_in_in_time_is_closed_with_4401(open_ws, monkeypatch):
    monkeypatch.setattr(consumers, "AUTH_TIMEOUT_SECONDS", 0.2)
    client = await open_ws()
    assert await client.close_code() == 4401


async def test_a_connection_that_signs_in_in_time_is_not_closed_by_the_deadline(
    open_ws, monkeypatch, token
):
    monkeypatch.setattr(consumers, "AUTH_TIMEOUT_SECONDS", 0.2)
    client = await open_ws(token=token)
    assert await client.receive_nothing(within=0.5)
    await client.send({"type": "ping"})
    assert await client.receive() == {"type": "pong"}


async def test_a_bad_token_closes_the_connection_with_4401(open_ws, token):
    client = await open_ws()
    await client.send({"type": "auth", "token": token + "x"})
    assert await client.close_code() == 4401


async def test_a_token_of_a_deactivated_user_closes_the_connection_with_4401(open_ws, token, user):
    user.is_active = False
    await user.asave()
    client = await open_ws()
    await client.send({"type": "auth", "token": token})
    assert await client.close_code() == 4401


@pytest.mark.parametrize("token", [None, 42, ""])
async def test_an_auth_message_without_a_token_closes_the_connection_with_4401(open_ws, token):
    client = await open_ws()
    await client.send({"type": "auth", "token": token})
    assert await client.close_code() == 4401


async def test_subscribing_before_signing_in_closes_the_connection_with_4401(open_ws, job):
    client = await open_ws()
    await client.send({"type": "subscribe", "room": f"job:{job.id}"})
    assert await client.close_code() == 4401


async def test_ping_is_answered_before_signing_in(open_ws):
    client = await open_ws()
    await client.send({"type": "ping"})
    assert await client.receive() == {"type": "pong"}


async def test_a_cookie_without_an_origin_header_is_ignored_so_a_token_is_needed(
    open_ws, user, session_cookie, token
):
    client = await open_ws(cookie=session_cookie, origin=None)
    await client.send({"type": "ping"})
    assert await client.receive() == {"type": "pong"}  # no auth_ok came before it
    await client.send({"type": "auth", "token": token})
    assert await client.receive() == {"type": "auth_ok", "user_id": str(user.pk)}


async def test_a_cookie_without_an_origin_header_cannot_subscribe(open_ws, job, session_cookie):
    client = await open_ws(cookie=session_cookie, origin=None)
    await client.send({"type": "subscribe", "room": f"job:{job.id}"})
    assert await client.close_code() == 4401


@pytest.mark.parametrize(
    "origin", ["http://evil.example", "https://testserver.evil.example", "null"]
)
async def test_a_handshake_from_another_origin_is_refused(open_ws, session_cookie, origin):
    with pytest.raises(ConnectionRefusedError):
        await open_ws(cookie=session_cookie, origin=origin)


async def test_a_token_for_another_user_on_a_signed_in_connection_is_refused(
    open_ws, user, token, token_for
):
    other_token = await _token_of_new_user(token_for)
    client = await open_ws(token=token)
    await client.send({"type": "auth", "token": other_token})
    answer = await client.receive()
    assert (answer["type"], answer["code"]) == ("error", "bad_request")
    await client.send({"type": "auth", "token": token})
    assert await client.receive() == {"type": "auth_ok", "user_id": str(user.pk)}


async def _token_of_new_user(token_for):
    return await database_sync_to_async(lambda: token_for(UserFactory()))()
