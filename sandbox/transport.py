"""``SandboxAdapter``: a ``requests`` transport that answers from the sandbox in-process.

Mounted by the Powens client in sandbox mode, so the dashboard, the tests and the benchmarks
go through the very same client code as against a real domain, without a socket. Lost
responses surface as the exceptions ``requests`` raises for real network failures.
"""

from __future__ import annotations

import io
import time
from collections.abc import Mapping
from datetime import timedelta
from time import perf_counter
from typing import Any
from urllib.parse import unquote, urlsplit

import requests
from django.core.handlers.wsgi import WSGIRequest
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict

from sandbox.dispatch import ResponseLost, handle


def _read_timeout(timeout: Any) -> float | None:
    if isinstance(timeout, tuple):
        return timeout[1]
    return timeout


def _body(prepared: requests.PreparedRequest) -> bytes:
    body = prepared.body
    if body is None:
        return b""
    if isinstance(body, str):
        return body.encode()
    if isinstance(body, bytes):
        return body
    return b"".join(chunk.encode() if isinstance(chunk, str) else chunk for chunk in body)


def django_request(prepared: requests.PreparedRequest) -> WSGIRequest:
    """The WSGI request a server would have built from this prepared request."""
    url = urlsplit(prepared.url or "")
    body = _body(prepared)
    headers: Mapping[str, str] = prepared.headers or {}
    environ: dict[str, Any] = {
        "REQUEST_METHOD": (prepared.method or "GET").upper(),
        "PATH_INFO": unquote(url.path) or "/",
        "SCRIPT_NAME": "",
        "QUERY_STRING": url.query,
        "SERVER_NAME": url.hostname or "sandbox.powens.invalid",
        "SERVER_PORT": str(url.port or (443 if url.scheme == "https" else 80)),
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.input": io.BytesIO(body),
        "wsgi.url_scheme": url.scheme or "http",
        "wsgi.errors": io.StringIO(),
        "wsgi.multithread": True,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
        "wsgi.version": (1, 0),
    }
    for name, value in headers.items():
        key = name.upper().replace("-", "_")
        if key == "CONTENT_TYPE":
            environ[key] = value
        elif key != "CONTENT_LENGTH":  # set above from the body actually sent
            environ[f"HTTP_{key}"] = value
    return WSGIRequest(environ)


class SandboxAdapter(BaseAdapter):
    """Send requests to the sandbox views in-process, with the injected faults applied."""

    def send(
        self,
        request: requests.PreparedRequest,
        stream: bool = False,
        timeout: Any = None,
        verify: Any = True,
        cert: Any = None,
        proxies: Any = None,
    ) -> requests.Response:
        started = perf_counter()
        read_timeout = _read_timeout(timeout)
        try:
            answer = handle(django_request(request), read_timeout=read_timeout)
        except ResponseLost as lost:
            if lost.kind == "timeout":
                # Wait as a real client would: the fault's delay, capped by the read timeout.
                waits = [t for t in (lost.delay, read_timeout) if t is not None]
                time.sleep(min(waits) if lost.delay is not None else 0)
                raise requests.exceptions.ReadTimeout(
                    "Read timed out (sandbox fault).", request=request
                ) from None
            raise requests.exceptions.ConnectionError(
                "Connection reset by peer (sandbox fault).", request=request
            ) from None
        response = requests.Response()
        response.status_code = answer.status_code
        response.reason = answer.reason_phrase
        response.headers = CaseInsensitiveDict(dict(answer.items()))
        response._content = answer.content
        response.raw = io.BytesIO(answer.content)
        response.encoding = "utf-8"
        response.url = request.url or ""
        response.request = request
        # Stubbed as HTTPAdapter; requests only ever calls its send().
        response.connection = self  # type: ignore[assignment]
        response.elapsed = timedelta(seconds=perf_counter() - started)
        return response

    def close(self) -> None:
        """Nothing to release: there is no connection pool."""
