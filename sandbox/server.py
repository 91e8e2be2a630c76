"""The standalone sandbox server (``manage.py sandbox_server``): a threaded loopback WSGI
server running only the sandbox routes, for external Powens clients.

Injected timeouts and resets are real here: the connection is held, then dropped with a TCP
reset, so clients see the same failures a flaky network would give them.
"""

from __future__ import annotations

import socket
import struct
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

from django.core.handlers.wsgi import WSGIRequest
from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
from django.db import close_old_connections, connections

from sandbox.dispatch import ResponseLost, handle

URLCONF = "sandbox.server_urls"
# How long an injected timeout without delay_ms holds the connection open.
DEFAULT_TIMEOUT_HOLD = 60.0
_current = threading.local()


class SandboxRequestHandler(WSGIRequestHandler):
    """Remembers its connection so the app can reset it."""

    def handle(self) -> None:
        _current.handler = self
        super().handle()


def _drop_connection() -> None:
    handler = getattr(_current, "handler", None)
    if handler is not None:
        handler.close_connection = True
        # Linger 0: closing sends a TCP RST instead of a clean FIN.
        handler.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    # wsgiref treats this as "client went away" and writes nothing more.
    raise ConnectionResetError("sandbox fault: connection dropped")


def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    close_old_connections()
    try:
        try:
            response = handle(WSGIRequest(environ), urlconf=URLCONF)
        except ResponseLost as lost:
            if lost.kind == "timeout":
                time.sleep(lost.delay if lost.delay is not None else DEFAULT_TIMEOUT_HOLD)
            _drop_connection()
        status = f"{response.status_code} {response.reason_phrase}"
        start_response(status, [*response.items(), ("Content-Length", str(len(response.content)))])
        return [response.content]
    finally:
        connections.close_all()


def make_server(port: int) -> ThreadedWSGIServer:
    """Bind 127.0.0.1:port (0 = any free port); the caller runs ``serve_forever()``."""
    server = ThreadedWSGIServer(("127.0.0.1", port), SandboxRequestHandler, ipv6=False)
    server.daemon_threads = True
    server.set_app(application)
    return server
