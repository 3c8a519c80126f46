"""The WebSocket origin rule of PROTOCOL.md section 3.

A handshake whose Origin names a host outside ALLOWED_HOSTS is refused (cross-site WebSocket
hijacking). One with no Origin is a non-browser client: it is let in, but without its cookies,
so it can only sign in with a token.
"""

from __future__ import annotations

from typing import Any

from channels.security.websocket import OriginValidator
from django.conf import settings


class BrowserOriginValidator(OriginValidator):  # type: ignore[misc]
    def __init__(self, application: Any) -> None:
        super().__init__(application, settings.ALLOWED_HOSTS)

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        headers = scope.get("headers", [])
        if not any(name == b"origin" for name, _ in headers):
            without_cookies = [(name, value) for name, value in headers if name != b"cookie"]
            return await self.application({**scope, "headers": without_cookies}, receive, send)
        return await super().__call__(scope, receive, send)
