"""The WebSocket origin rule of PROTOCOL.md section 3.

A handshake whose Origin names a host outside ALLOWED_HOSTS is refused (cross-site WebSocket
hijacking). One with no Origin is a non-browser client: it is let in, but without its cookies,
so it can only sign in with a token.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from channels.security.websocket import OriginValidator
from django.conf import settings

if TYPE_CHECKING:
    from asgiref.typing import ASGIReceiveCallable, ASGISendCallable
    from channels.consumer import _ChannelScope
    from channels.utils import _ChannelApplication


class BrowserOriginValidator(OriginValidator):
    def __init__(self, application: _ChannelApplication) -> None:
        super().__init__(application, settings.ALLOWED_HOSTS)

    async def __call__(
        self, scope: _ChannelScope, receive: ASGIReceiveCallable, send: ASGISendCallable
    ) -> Any:
        headers = scope.get("headers", [])
        if not any(name == b"origin" for name, _ in headers):
            without_cookies = [(name, value) for name, value in headers if name != b"cookie"]
            inner = cast(Any, self.application)
            return await inner({**scope, "headers": without_cookies}, receive, send)
        return await super().__call__(scope, receive, send)
