"""The Origin rule and cookie sign-in through a real daphne (PROTOCOL.md section 3)."""

import pytest
from websockets.exceptions import InvalidStatus

from tests.servers import Server, WsConnection

pytestmark = pytest.mark.django_db(transaction=True)


async def assert_refused_from_another_site(server: Server, session_cookie: str) -> None:
    with pytest.raises(InvalidStatus) as refused:
        await WsConnection.open(
            server,
            origin="http://evil.example",
            additional_headers={"Cookie": f"sessionid={session_cookie}"},
        )
    assert refused.value.response.status_code == 403


async def test_a_handshake_from_another_site_is_refused_by_the_server(
    daphne_server, session_cookie
):
    await assert_refused_from_another_site(daphne_server, session_cookie)


async def test_a_page_of_the_site_signs_in_with_its_session_cookie(
    daphne_server, session_cookie, user
):
    client = await WsConnection.open(
        daphne_server,
        origin=daphne_server.url,
        additional_headers={"Cookie": f"sessionid={session_cookie}"},
    )
    assert await client.receive() == {"type": "auth_ok", "user_id": str(user.pk)}
    await client.close()


async def test_a_client_without_an_origin_signs_in_with_a_token(daphne_server, token, user):
    client = await WsConnection.open(daphne_server)
    await client.send({"type": "auth", "token": token})
    assert await client.receive() == {"type": "auth_ok", "user_id": str(user.pk)}
    await client.close()
