"""A tiny HTTP server on 127.0.0.1 for the URL and feed tests (never any other address)."""

from __future__ import annotations

import ssl
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx

Body = bytes | Callable[[], Iterator[bytes]]


@dataclass
class Route:
    """A canned answer; ``body`` may be a generator function (streamed, no Content-Length)."""

    body: Body = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    if_none_match: str | None = None  # answer 304 when the request sends this ETag


@dataclass
class LocalServer:
    """Routes by path; records (path, headers) of every request it gets."""

    routes: dict[str, Route] = field(default_factory=dict)
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    port: int = 0

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        return self.base_url + path


def _handler(server: LocalServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:
            pass  # keep test output clean

        def do_GET(self) -> None:
            server.requests.append((self.path, dict(self.headers.items())))
            route = server.routes.get(self.path, Route(b"not found", 404))
            if route.if_none_match and self.headers.get("If-None-Match") == route.if_none_match:
                self.send_response(304)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.send_response(route.status)
            for name, value in route.headers.items():
                self.send_header(name, value)
            if isinstance(route.body, bytes):
                self.send_header("Content-Length", str(len(route.body)))
                self.end_headers()
                try:
                    self.wfile.write(route.body)
                except (BrokenPipeError, ConnectionResetError):
                    self.close_connection = True
                return
            self.send_header("Connection", "close")
            self.end_headers()
            try:
                for chunk in route.body():
                    self.wfile.write(chunk)
                    self.wfile.flush()
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client stopped reading, as it should for oversized bodies
            self.close_connection = True

    return Handler


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        # A client that hangs up early (size limits, timeouts) is expected here.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)  # type: ignore[arg-type]


def start_server(tls: ssl.SSLContext | None = None) -> tuple[LocalServer, Callable[[], None]]:
    """Start a server thread on a free port of 127.0.0.1; return it and its stop function."""
    state = LocalServer()
    httpd = _Server(("127.0.0.1", 0), _handler(state))
    if tls is not None:
        httpd.socket = tls.wrap_socket(httpd.socket, server_side=True)
    state.port = httpd.server_address[1]
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()

    def stop() -> None:
        httpd.shutdown()
        httpd.server_close()

    return state, stop


PUBLIC = "http://93.184.216.34"
"""A public address literal: no DNS, and MockTransport never connects."""


def mock_client(handler: Callable[[httpx.Request], httpx.Response]) -> httpx.Client:
    """An httpx client whose requests ``handler`` answers in-process."""
    return httpx.Client(transport=httpx.MockTransport(handler))
