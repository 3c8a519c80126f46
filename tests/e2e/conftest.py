"""Fixtures for end-to-end tests against real processes (see tests/servers.py)."""

from tests.servers import daphne_server  # noqa: F401 (a fixture)
