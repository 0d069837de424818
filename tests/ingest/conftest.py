"""Fixtures shared by the URL and feed tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.ingest._server import LocalServer, start_server


@pytest.fixture(scope="module")
def server() -> Iterator[LocalServer]:
    """A local HTTP server whose routes each test sets."""
    state, stop = start_server()
    yield state
    stop()
