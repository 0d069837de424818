"""Closing each HTTP connection after a number of requests, as nginx's ``keepalive_requests``.

With several ``serve`` workers, every worker accepts from one shared socket, and a worker that
wakes to a burst of new connections takes them all: 20 browsers or clients opening at once can
all land on one process (measured: 20/0, 16/4, 15/5 over two workers) while the other idles.
Ending a keep-alive connection after ``requests`` responses makes its client reconnect, and a
new connection is mostly accepted by the worker that is free to accept it, so connections spread
over the workers within seconds (measured: 11/9, 10/9, 11/8). The reconnection costs a TCP
handshake every ``requests`` requests. ``serve`` uses it only with several workers.

A connection is known by the client's address and port, as the server reports them: behind a
reverse proxy whose forwarded address uvicorn trusts, that is the proxy's client, so the count is
per client address rather than per connection (still bounded; the proxy reconnects).
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

MAX_TRACKED_CONNECTIONS = 10_000
"""Connections whose request count is remembered; beyond it the least recently used is
forgotten (a connection that went away before its last request leaves its count behind)."""


class KeepAliveLimit:
    """ASGI middleware: the ``requests``-th response on a connection says ``Connection: close``."""

    def __init__(self, app: ASGIApp, *, requests: int) -> None:
        self.app = app
        self.requests = requests
        self.counts: dict[tuple[str, int], int] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        client = scope.get("client") if scope["type"] == "http" else None
        # HTTP/2 forbids the Connection header; HTTP/1.0 closes after each response anyway.
        if not client or self.requests <= 0 or scope.get("http_version") != "1.1":
            await self.app(scope, receive, send)
            return
        connection = (client[0], client[1])  # one TCP connection: its remote address and port
        count = self.counts.pop(connection, 0) + 1
        if count < self.requests:
            if len(self.counts) >= MAX_TRACKED_CONNECTIONS:
                del self.counts[next(iter(self.counts))]  # re-inserted on use: the oldest
            self.counts[connection] = count
            await self.app(scope, receive, send)
            return

        async def send_closing(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [*message.get("headers", []), (b"connection", b"close")]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_closing)
