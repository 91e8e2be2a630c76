"""The standalone sandbox server (``manage.py sandbox_server``): a threaded loopback WSGI
server running only the sandbox routes, for external Powens clients.

Injected timeouts and resets are real here: the connection is held, then dropped with a TCP
reset, so clients see the same failures a flaky network would give them.

Request bodies sent with ``Transfer-Encoding: chunked`` (clients that stream, such as Node's
fetch or Java's HttpClient) are decoded here: wsgiref reads only ``Content-Length`` bytes.
"""

from __future__ import annotations

import io
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
from sandbox.errors import ApiError, error_response

URLCONF = "sandbox.server_urls"
# How long an injected timeout without delay_ms holds the connection open.
DEFAULT_TIMEOUT_HOLD = 60.0
# No documented request comes near this; a larger chunked body is refused, not buffered.
MAX_CHUNKED_BODY = 10 * 1024 * 1024
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


def _read_chunked(stream: io.BufferedIOBase) -> bytes:
    """The body of a chunked request, read off the connection up to its last chunk and
    trailers, so the next request on a kept-alive connection starts where it should."""
    body = bytearray()
    while True:
        size_line = stream.readline(1024)
        try:
            size = int(size_line.split(b";", 1)[0].strip(), 16)
        except ValueError:
            raise ApiError(400, "invalidValue", "Malformed chunked request body.") from None
        if size == 0:
            while stream.readline(1024) not in (b"\r\n", b"\n", b""):
                pass  # trailer fields: nothing documented uses them
            return bytes(body)
        if size < 0 or len(body) + size > MAX_CHUNKED_BODY:
            raise ApiError(400, "invalidValue", "The request body is too large.")
        body += stream.read(size)
        stream.readline(1024)  # the CRLF closing the chunk


def _dechunk(environ: dict[str, Any]) -> None:
    """Give Django a plain body when the client sent a chunked one."""
    if environ.get("HTTP_TRANSFER_ENCODING", "").strip().lower() != "chunked":
        return
    handler = _current.handler
    keep = handler.close_connection
    handler.close_connection = True  # on a malformed body the stream position is unknown
    body = _read_chunked(handler.rfile)
    handler.close_connection = keep
    environ["wsgi.input"] = io.BytesIO(body)
    environ["CONTENT_LENGTH"] = str(len(body))
    del environ["HTTP_TRANSFER_ENCODING"]


def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    close_old_connections()
    try:
        try:
            _dechunk(environ)
            response = handle(WSGIRequest(environ), urlconf=URLCONF)
        except ApiError as refused:
            response = error_response(refused)
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
