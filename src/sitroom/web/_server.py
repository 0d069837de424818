"""Run an app with uvicorn on a free loopback port in a background thread (tests, screenshots).

``sitroom serve`` blocks in the foreground; a browser test or a screenshot script needs the same
server running beside it (and stopped cleanly afterwards), and a headless chromium to view it.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI

LOOPBACK = "127.0.0.1"
START_TIMEOUT_S = 20.0
_POLL_S = 0.05

CHROMIUM = Path("/usr/bin/chromium")
"""Debian's chromium, driven by Playwright: no browser is downloaded."""
CHROMIUM_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    # Nothing the browser starts on its own may reach the network.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


def free_port(host: str = LOOPBACK) -> int:
    """A TCP port nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def running_server(app: FastAPI, *, host: str = LOOPBACK) -> Iterator[str]:
    """Serve ``app`` until the block ends; yields the base URL (``http://127.0.0.1:PORT``).

    Raises RuntimeError if the server has not started within ``START_TIMEOUT_S`` seconds.
    """
    import uvicorn

    port = free_port(host)
    config = uvicorn.Config(app, host=host, port=port, log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name=f"sitroom-server-{port}", daemon=True)
    thread.start()
    deadline = time.monotonic() + START_TIMEOUT_S
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            raise RuntimeError(f"the server on {host}:{port} did not start; is the port taken?")
        time.sleep(_POLL_S)
    try:
        yield f"http://{host}:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=START_TIMEOUT_S)


def chromium_options() -> dict[str, Any]:
    """Keyword arguments of Playwright's ``chromium.launch``: ``CHROMIUM``, headless, offline."""
    return {"executable_path": str(CHROMIUM), "args": list(CHROMIUM_ARGS)}
