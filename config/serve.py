"""The web process: daphne serving `config.asgi`, with the protocol's WebSocket message limit.

    python -m config.serve -b 127.0.0.1 -p 8000 [more daphne options]

A message over 64 KiB closes the connection with 1009 (PROTOCOL.md section 3). Only daphne
can send that code: it refuses any below 3000 but 1000 from an application, so the consumer's
own check would end in an internal error (1011). daphne enforces the limit, and is told to
close with the code rather than drop the TCP connection (autobahn's default, seen as 1006).
"""

from __future__ import annotations

import sys

from daphne.cli import CommandLineInterface
from daphne.server import Server
from twisted.internet import reactor

from jobs.ws_limits import MAX_MESSAGE_BYTES

APPLICATION = "config.asgi:application"


class ProtocolServer(Server):  # type: ignore[misc]  # daphne has no type hints
    def run(self) -> None:
        # Runs once the reactor starts, after `run` made the factory, before any connection.
        reactor.callWhenRunning(lambda: self.ws_factory.setProtocolOptions(failByDrop=False))
        super().run()


class ProtocolCommandLine(CommandLineInterface):  # type: ignore[misc]  # nor here
    server_class = ProtocolServer


def daphne_arguments(options: list[str]) -> list[str]:
    return [*options, "--websocket-max-message-size", str(MAX_MESSAGE_BYTES), APPLICATION]


if __name__ == "__main__":
    ProtocolCommandLine().run(daphne_arguments(sys.argv[1:]))
