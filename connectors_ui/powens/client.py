"""The only code that speaks HTTP to Powens: one method per endpoint (POWENS_API.md E1-E8).

Reads need no auth; writes carry the domain's config token. Every call has connect and read
timeouts. Reads are retried (bounded, with backoff) on connection errors, 429 and 502/503/504;
writes never are, because a lost answer does not mean the write was not applied.
Every failure leaves as a ``PowensError`` subclass; nothing above sees ``requests``.
"""

from __future__ import annotations

import functools
import logging
import math
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from enum import Enum
from typing import Any, Final
from urllib.parse import quote

import requests
from django.conf import settings
from django.core.signals import setting_changed
from django.utils.module_loading import import_string

from connectors_ui.domains.registry import default_domain, domain_get

from ._http import RETRY_STATUSES, Secret, error_from_exception, error_from_response
from ._parse import DATETIME_FORMAT
from .errors import PowensAuthError, PowensError, PowensMalformedResponse
from .types import (
    Connector,
    ConnectorsList,
    ConnectorSource,
    ConnectorSourcesList,
    connectors_from_batch,
)

logger = logging.getLogger("powens.client")


class _Unset(Enum):
    UNSET = "UNSET"


UNSET: Final = _Unset.UNSET

_calls = 0
_calls_lock = threading.Lock()


def call_count() -> int:
    """HTTP attempts made since the last reset (benchmarks check the 30 calls/min budget)."""
    with _calls_lock:
        return _calls


def reset_call_count() -> None:
    global _calls
    with _calls_lock:
        _calls = 0


def _count_call() -> None:
    global _calls
    with _calls_lock:
        _calls += 1


def _segment(value: str | int) -> str:
    """One path segment, quoted so a hostile reference cannot change the route."""
    return quote(str(value), safe="")


def _joined(values: Sequence[str | int]) -> str:
    return ",".join(str(value) for value in values)


class PowensClient:
    """One Powens domain: owns one ``requests.Session``; safe to share between requests."""

    def __init__(
        self,
        *,
        base_url: str,
        config_token: str,
        connect_timeout: float = 3.05,
        read_timeout: float = 20.0,
        max_retries: int = 2,
        backoff: float = 0.5,
        max_retry_wait: float = 5.0,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
        budget: Callable[[], None] | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._token = Secret(config_token)
        self.timeout = (connect_timeout, read_timeout)
        self.max_retries = max(0, max_retries)
        self.backoff = backoff
        self.max_retry_wait = max_retry_wait
        self._sleep = sleep
        # Called before every attempt: waits for a turn of the domain's shared budget or
        # raises PowensBudgetExhausted (connectors_ui.domains.budget).
        self._budget = budget
        self._session = session or requests.Session()
        self._session.headers.update(
            {"Accept": "application/json", "User-Agent": "powens-connectors-admin"}
        )

    def __repr__(self) -> str:
        token = "set" if self._token.reveal() else "missing"
        return f"<PowensClient {self.base_url} config_token={token}>"

    def mount(self, prefix: str, adapter: requests.adapters.BaseAdapter) -> None:
        """Route URLs under ``prefix`` through ``adapter`` (the in-process sandbox transport)."""
        self._session.mount(prefix, adapter)

    # --- E1-E8 -------------------------------------------------------------------------------

    def list_connectors(
        self,
        *,
        expand: Sequence[str] = (),
        country_codes: Sequence[str] = (),
        id_payment: int | None = None,
        include_hidden: bool = False,
    ) -> ConnectorsList:
        """E1. ``include_hidden`` sends the ``all`` flag: an admin must see disabled connectors."""
        params: dict[str, str | int] = {}
        if expand:
            params["expand"] = _joined(expand)
        if country_codes:
            params["country_codes"] = _joined(country_codes)
        if id_payment is not None:
            params["id_payment"] = id_payment
        if include_hidden:
            params["all"] = "true"
        return ConnectorsList.from_api(self._call("GET", "/connectors", params=params))

    def get_connector(self, ref: str | int, *, expand: Sequence[str] = ()) -> Connector:
        """E2. ``ref`` is a UUID (preferred) or the deprecated per-domain integer id."""
        params = {"expand": _joined(expand)} if expand else {}
        return Connector.from_api(self._call("GET", f"/connectors/{_segment(ref)}", params=params))

    def update_connector(
        self,
        uuid: str,
        *,
        hidden: bool | _Unset = UNSET,
        sync_periodicity: float | _Unset = UNSET,
    ) -> Connector:
        """E3. ``hidden=True`` disables the connector on this domain, False enables it;
        ``sync_periodicity`` is the documented, deprecated sync interval (a number).

        Only the arguments given are sent, so an unrelated property is never overwritten.
        """
        body: dict[str, Any] = {}
        if hidden is not UNSET:
            body["hidden"] = _require_bool(hidden, "hidden")
        if sync_periodicity is not UNSET:
            body["sync_periodicity"] = _require_number(sync_periodicity, "sync_periodicity")
        if not body:
            raise ValueError("update_connector needs hidden or sync_periodicity.")
        return Connector.from_api(self._call("PUT", f"/connectors/{_segment(uuid)}", body=body))

    def batch_update_connectors(
        self, updates: Mapping[str, Mapping[str, Any]]
    ) -> tuple[Connector, ...]:
        """E4: ``{uuid: {"hidden": bool}}``. Returns what Powens echoes, possibly nothing (its
        answer shape is undocumented): re-read the connectors when the tuple is empty."""
        if not updates:
            return ()
        body = {str(uuid): dict(update) for uuid, update in updates.items()}
        return connectors_from_batch(self._call("PATCH", "/connectors", body=body, empty_ok=True))

    def update_connectors_by_ids(
        self, ids: Sequence[int], *, hidden: bool
    ) -> tuple[Connector, ...]:
        """E5 (deprecated, ids are per domain): same answer caveats as E4."""
        if not ids:
            return ()
        if any(isinstance(i, bool) or not isinstance(i, int) for i in ids):
            raise TypeError("Connector ids must be integers.")
        body = {"hidden": _require_bool(hidden, "hidden")}
        path = f"/connectors/{_joined(ids)}"
        return connectors_from_batch(self._call("PUT", path, body=body, empty_ok=True))

    def list_sources(self, uuid: str, *, country_codes: Sequence[str] = ()) -> ConnectorSourcesList:
        """E6."""
        params = {"country_codes": _joined(country_codes)} if country_codes else {}
        path = f"/connectors/{_segment(uuid)}/sources"
        return ConnectorSourcesList.from_api(self._call("GET", path, params=params))

    def get_source(self, uuid: str, source_id: int) -> ConnectorSource:
        """E7."""
        path = f"/connectors/{_segment(uuid)}/sources/{_segment(source_id)}"
        return ConnectorSource.from_api(self._call("GET", path))

    def update_source(
        self,
        uuid: str,
        source_id: int,
        *,
        disabled: datetime | bool | None | _Unset = UNSET,
        auth_mechanism: str | _Unset = UNSET,
    ) -> ConnectorSource:
        """E8. ``disabled``: a datetime (or True = now) disables, None (or False) re-enables.

        Only the arguments given are sent, so an unrelated property is never overwritten.
        """
        body: dict[str, Any] = {}
        if disabled is not UNSET:
            body["disabled"] = _disabled_value(disabled)
        if auth_mechanism is not UNSET:
            body["auth_mechanism"] = auth_mechanism
        if not body:
            raise ValueError("update_source needs disabled or auth_mechanism.")
        path = f"/connectors/{_segment(uuid)}/sources/{_segment(source_id)}"
        return ConnectorSource.from_api(self._call("PUT", path, body=body))

    # --- transport ---------------------------------------------------------------------------

    def _call(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        body: Any = None,
        empty_ok: bool = False,
    ) -> Any:
        """Send with retries where safe; return the decoded JSON body or raise PowensError."""
        write = method != "GET"
        headers = self._auth_headers() if write else {}
        attempt = 0
        while True:
            attempt += 1
            response, error, retryable = self._attempt(method, path, params, body, headers, attempt)
            wait = self._retry_wait(write, attempt, error, retryable)
            if wait is None:
                break
            self._sleep(wait)
        if error is not None:
            raise error
        assert response is not None  # _attempt returns a response whenever error is None
        return self._decode(response, empty_ok)

    def _auth_headers(self) -> dict[str, str]:
        token = self._token.reveal()
        if not token:
            raise PowensAuthError(
                "No Powens config token is configured (POWENS_CONFIG_TOKEN).",
                code="missingConfigToken",
            )
        return {"Authorization": f"Bearer {token}"}

    def _attempt(
        self,
        method: str,
        path: str,
        params: Mapping[str, Any] | None,
        body: Any,
        headers: Mapping[str, str],
        attempt: int,
    ) -> tuple[requests.Response | None, PowensError | None, bool]:
        """One HTTP attempt, one log line, one count. Errors are returned, not raised, so the
        ``requests`` exception (which holds the prepared request and its headers) is dropped."""
        if self._budget is not None:
            self._budget()
        _count_call()
        started = time.perf_counter()
        response: requests.Response | None = None
        error: PowensError | None
        try:
            response = self._session.request(
                method,
                self.base_url + path,
                params=params or None,
                json=body,
                headers=headers,
                timeout=self.timeout,
                allow_redirects=False,
            )
        except requests.RequestException as exc:
            error, retryable = error_from_exception(exc, write=method != "GET")
            outcome: Any = type(exc).__name__
        else:
            failed = response.status_code >= 300
            error = error_from_response(response, self._token) if failed else None
            retryable = response.status_code in RETRY_STATUSES
            outcome = response.status_code
        duration_ms = round((time.perf_counter() - started) * 1000)
        request_id = error.request_id if error is not None else None
        logger.log(
            logging.INFO if error is None else logging.WARNING,
            "%s %s -> %s in %d ms (request_id=%s, attempt=%d)",
            method,
            path,
            outcome,
            duration_ms,
            request_id,
            attempt,
            extra={"powens_status": outcome, "powens_duration_ms": duration_ms},
        )
        return response, error, retryable

    def _retry_wait(
        self, write: bool, attempt: int, error: PowensError | None, retryable: bool
    ) -> float | None:
        """Seconds to wait before retrying, or None to stop. Only reads, only transient errors;
        a ``Retry-After`` longer than ``max_retry_wait`` is not worth a blocked page: give up."""
        if write or error is None or not retryable or attempt > self.max_retries:
            return None
        wait = min(self.backoff * 2 ** (attempt - 1), self.max_retry_wait)
        if error.retry_after is not None:  # 429, 502, 503 or 504 that said when to come back
            if error.retry_after > self.max_retry_wait:
                return None
            wait = max(wait, error.retry_after)
        return wait

    def _decode(self, response: requests.Response, empty_ok: bool) -> Any:
        if empty_ok and not response.content.strip():
            return None
        try:
            return response.json()
        except ValueError:
            pass
        raise PowensMalformedResponse(
            "The answer is not valid JSON.",
            status=response.status_code,
        )


def _require_bool(value: Any, name: str) -> bool:
    if not isinstance(value, bool):
        raise TypeError(f"{name} must be a bool.")
    return value


def _require_number(value: Any, name: str) -> int | float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise TypeError(f"{name} must be a finite number.")
    return value


def _disabled_value(value: datetime | bool | None) -> str | None:
    """Powens wants a ``YYYY-MM-DD HH:MM:SS`` UTC string to disable and null to re-enable."""
    if value is None or value is False:
        return None
    if value is True:
        value = datetime.now(UTC)
    if not isinstance(value, datetime):
        raise TypeError("disabled must be a datetime, a bool or None.")
    if value.tzinfo is None:
        raise ValueError("disabled must be timezone-aware.")
    return value.astimezone(UTC).strftime(DATETIME_FORMAT)


@functools.cache
def get_client(domain: str = "") -> PowensClient:
    """The client for ``domain`` ("" = the default domain), drawing on that domain's budget;
    for an embedded sandbox domain it reaches the sandbox in-process (the transport
    ``POWENS_SANDBOX_TRANSPORT`` names), through the same code path as a real domain."""
    target = domain_get(domain) if domain else default_domain()
    client = PowensClient(
        base_url=target.base_url,
        config_token=target.config_token,
        connect_timeout=settings.POWENS_CONNECT_TIMEOUT,
        read_timeout=settings.POWENS_READ_TIMEOUT,
        max_retries=settings.POWENS_MAX_RETRIES,
        # Named in settings, so that the client imports no model (the budget is a table).
        budget=import_string(settings.POWENS_BUDGET)(target),
    )
    if target.embedded:
        # Named in settings, so that the client never imports its own fake.
        client.mount(target.base_url, import_string(settings.POWENS_SANDBOX_TRANSPORT)())
    return client


def _reset_client(*, setting: str, **kwargs: Any) -> None:
    """``override_settings(POWENS_...)`` in tests must not keep using the old client."""
    if setting.startswith("POWENS_"):
        get_client.cache_clear()


setting_changed.connect(_reset_client, dispatch_uid="powens-client-reset")
