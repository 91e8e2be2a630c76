"""Helpers for the sandbox's own tests: a JSON API client on the Django test client, and a
``requests`` session with the in-process transport mounted."""

from __future__ import annotations

import json
from typing import Any

import pytest
import requests
from django.conf import settings
from django.test import Client

from sandbox.rate_limit import limiter
from sandbox.transport import SandboxAdapter

TOKEN = "sandbox-config-token"


class Api:
    """Calls the sandbox views like a Powens client would (JSON bodies, bearer token)."""

    def __init__(self, client: Client) -> None:
        self.client = client

    def call(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        token: str | None = TOKEN,
        raw: bytes | None = None,
        **params: Any,
    ) -> Any:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        data = raw if raw is not None else (json.dumps(body) if body is not None else "")
        request = getattr(self.client, method.lower())
        if method == "GET":
            return request(f"/2.0/{path}", params, headers=headers)
        return request(f"/2.0/{path}", data, content_type="application/json", headers=headers)

    def get(self, path: str, **params: Any) -> Any:
        return self.call("GET", path, **params)

    def put(self, path: str, body: Any = None, **kwargs: Any) -> Any:
        return self.call("PUT", path, body, **kwargs)

    def patch(self, path: str, body: Any = None, **kwargs: Any) -> Any:
        return self.call("PATCH", path, body, **kwargs)


@pytest.fixture
def api(client: Client, settings: Any) -> Api:
    settings.ROOT_URLCONF = "sandbox.urls"
    return Api(client)


@pytest.fixture
def session() -> requests.Session:
    """A requests session reaching the sandbox in-process at the sandbox base URL."""
    http = requests.Session()
    http.mount(settings.POWENS_SANDBOX_BASE_URL, SandboxAdapter())
    return http


@pytest.fixture
def base_url() -> str:
    return settings.POWENS_SANDBOX_BASE_URL


@pytest.fixture
def fresh_limiter():
    """The process-wide limiter, emptied before and after, following the setting."""
    limiter.reset()
    limiter.per_minute = None
    yield limiter
    limiter.reset()
    limiter.per_minute = None
