"""A client of the event protocol over a real WebSocket (the `websockets` library), following
the user's stream (`user:me`) and keeping every event it receives, read in a thread."""

from __future__ import annotations

import json
import threading
import time
from typing import Any

from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

TIMEOUT_SECONDS = 10


class StreamClient:
    def __init__(self, token: str) -> None:
        self.token = token
        self.events: list[dict[str, Any]] = []
        self.subscriptions: list[dict[str, Any]] = []
        self.closed = threading.Event()
        self._lock = threading.Lock()
        self._connection: ClientConnection | None = None

    def cursor(self) -> int:
        """The last `user_seq` received (0 before any)."""
        with self._lock:
            return max((event["user_seq"] for event in self.events), default=0)

    def connect(self, ws_url: str) -> None:
        """Sign in and subscribe after the cursor: a reconnect replays what it missed."""
        self.closed.clear()
        started = threading.Event()
        failures: list[BaseException] = []
        thread = threading.Thread(
            target=self._run, args=(ws_url, self.cursor(), started, failures), daemon=True
        )
        thread.start()
        assert started.wait(TIMEOUT_SECONDS), "the connection did not open"
        if failures:
            raise failures[0]

    def _run(
        self, ws_url: str, after: int, started: threading.Event, failures: list[BaseException]
    ) -> None:
        try:
            with connect(ws_url, open_timeout=TIMEOUT_SECONDS, close_timeout=2) as connection:
                connection.send(json.dumps({"type": "auth", "token": self.token}))
                answer = json.loads(connection.recv(TIMEOUT_SECONDS))
                assert answer["type"] == "auth_ok", answer
                subscribe = {"type": "subscribe", "room": "user:me", "after": after}
                connection.send(json.dumps(subscribe))
                self._connection = connection
                started.set()
                self._read(connection)
        except BaseException as failure:  # reported to the test thread by `connect`
            failures.append(failure)
        finally:
            started.set()
            self.closed.set()

    def _read(self, connection: ClientConnection) -> None:
        try:
            for raw in connection:
                message = json.loads(raw)
                with self._lock:
                    if message["type"] == "event":
                        self.events.append(message["event"])
                    elif message["type"] == "subscribed":
                        self.subscriptions.append(message)
        except ConnectionClosed:
            pass  # the server went away: `closed` tells the test

    def wait_for_events(self, count: int, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while len(self.events) < count:
            assert time.monotonic() < deadline, f"{len(self.events)} of {count} events arrived"
            time.sleep(0.05)

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
